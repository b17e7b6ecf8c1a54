// npx tsx bench/head-office.bench.ts [--fresh]: how head office copes with a year of audits — 10,000 sealed
// audits from 500 sites, read, verified, flattened and aggregated. Figures, not assertions.
// The data set is generated once into .tmp/dataset-10k.ducha and reused; --fresh makes it again.
// Then bundle format 1 (JSON) against 2 (zip): size, and `ducha verify` / `ducha import` into a fresh store with
// the devices' keys enrolled, at 10,000 audits without photos and on a smaller set with 0–10 photos each.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { webCryptoVerifier } from '../src/crypto/webcrypto-verifier';
import {
  applyFilter,
  auditFactFromEnvelope,
  checkBundle,
  heatMap,
  latestRevisions,
  previousPeriod,
  rankSites,
  type AuditFact,
  type EntryVerdict,
  type HeatMap,
  type SiteRanking,
} from '../src/domain/head-office';
import { datasetRubricIds, generateDataset, type DatasetSummary } from '../scripts/generate-dataset';
import { runCli } from '../src/cli/run-cli';
import { deviceKeyFileSchema, keyFingerprint } from '../src/domain/head-office';
import type { BenchContext } from './support/context';
import type { PartResult } from './support/figures';

const root = join(import.meta.dirname, '..');
export const defaultDatasetPath = join(root, '.tmp', 'dataset-10k.ducha');
export const benchDataset = {
  audits: 10_000,
  sites: 500,
  months: 12,
  seed: 42,
  endDate: '2026-11-30',
} as const;
/** The data set's whole year, as the dashboard's date filter would send it. */
export const benchYear = { from: '2025-12-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' } as const;
/** The last quarter: unlike the year, its previous period holds data, so the change column is real work. */
export const benchQuarter = { from: '2026-09-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' } as const;

export interface Timed<T> {
  readonly value: T;
  readonly ms: number;
}

export async function timed<T>(work: () => T | Promise<T>): Promise<Timed<T>> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** The data set at `path`, generated first when it is not there yet (or when `fresh`). */
export async function ensureDataset(
  path: string = defaultDatasetPath,
  options: { fresh?: boolean; log?: (line: string) => void } = {},
): Promise<{ path: string; bytes: number; generated: DatasetSummary | undefined }> {
  if (!options.fresh && existsSync(path)) return { path, bytes: statSync(path).size, generated: undefined };
  mkdirSync(dirname(path), { recursive: true });
  const log = options.log ?? (() => undefined);
  const generated = await generateDataset({
    ...benchDataset,
    out: path,
    onProgress: (done, total) => {
      log(`  generating: ${done} / ${total} audits`);
    },
  });
  return { path, bytes: generated.bytes, generated };
}

export function readBundleText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function parseBundleText(text: string): unknown {
  return JSON.parse(text);
}

/** Full verification: every entry's shape, seal, hash, rubric fingerprint, score and image bytes. */
export async function verifyBundle(bundle: unknown): Promise<EntryVerdict[]> {
  const result = await checkBundle(bundle, webCryptoVerifier);
  if (!result.ok)
    throw new Error(`not a bundle: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return result.value;
}

export function factsFromVerdicts(verdicts: readonly EntryVerdict[]): AuditFact[] {
  return verdicts.flatMap((v) => (v.status === 'valid' ? [auditFactFromEnvelope(v.envelope)] : []));
}

export interface DashboardView {
  readonly audits: number;
  readonly ranking: readonly SiteRanking[];
  readonly heat: HeatMap;
}

/** What the dashboard computes for one rubric and one date range, change against the period before. */
export function dashboardView(
  facts: readonly AuditFact[],
  rubricId: string,
  range: { readonly from: string; readonly to: string },
  bottomN = 10,
): DashboardView {
  const latest = latestRevisions(facts);
  const current = applyFilter(latest, { rubricId, ...range });
  const previous = applyFilter(latest, { rubricId, ...previousPeriod(range.from, range.to) });
  return { audits: current.length, ranking: rankSites(current, previous, bottomN), heat: heatMap(current) };
}

export interface RubricFigures {
  readonly rubricId: string;
  readonly audits: number;
  readonly sites: number;
  readonly heatCells: number;
  readonly yearMs: number;
  readonly quarterMs: number;
}

export interface HeadOfficeFigures {
  readonly path: string;
  readonly bytes: number;
  readonly generatedMs: number | undefined;
  readonly entries: number;
  readonly valid: number;
  readonly readMs: number;
  readonly parseMs: number;
  readonly checkMs: number;
  readonly factsMs: number;
  readonly facts: number;
  readonly heapMb: number;
  readonly runs: number;
  readonly rubrics: readonly RubricFigures[];
}

/** Dashboard timings for one rubric: median of `runs`, after one warm-up run. */
export function timeDashboard(facts: readonly AuditFact[], rubricId: string, runs: number): RubricFigures {
  const measure = (range: { from: string; to: string }): { ms: number; view: DashboardView } => {
    let view = dashboardView(facts, rubricId, range);
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      view = dashboardView(facts, rubricId, range);
      times.push(performance.now() - start);
    }
    return { ms: median(times), view };
  };
  const year = measure(benchYear);
  const quarter = measure(benchQuarter);
  return {
    rubricId,
    audits: year.view.audits,
    sites: year.view.ranking.length,
    heatCells: year.view.heat.cells.size,
    yearMs: year.ms,
    quarterMs: quarter.ms,
  };
}

export async function runHeadOfficeBench(
  options: { path?: string; fresh?: boolean; runs?: number; log?: (line: string) => void } = {},
): Promise<HeadOfficeFigures> {
  const log = options.log ?? (() => undefined);
  const runs = options.runs ?? 5;
  const dataset = await ensureDataset(options.path ?? defaultDatasetPath, {
    fresh: options.fresh ?? false,
    log,
  });
  log(dataset.generated ? `generated ${dataset.path}` : `reusing ${dataset.path}`);
  const read = await timed(() => readBundleText(dataset.path));
  const parsed = await timed(() => parseBundleText(read.value));
  log('verifying every seal…');
  const check = await timed(() => verifyBundle(parsed.value));
  const facts = await timed(() => factsFromVerdicts(check.value));
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  return {
    path: dataset.path,
    bytes: dataset.bytes,
    generatedMs: dataset.generated?.ms,
    entries: check.value.length,
    valid: check.value.filter((v) => v.status === 'valid').length,
    readMs: read.ms,
    parseMs: parsed.ms,
    checkMs: check.ms,
    factsMs: facts.ms,
    facts: facts.value.length,
    heapMb,
    runs,
    rubrics: datasetRubricIds.map((id) => timeDashboard(facts.value, id, runs)),
  };
}

export function formatFigures(f: HeadOfficeFigures): string {
  const ms = (n: number) => (n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`);
  const s = (n: number) => `${(n / 1000).toFixed(1)} s`;
  const pad = (text: string, width: number) => text.padStart(width);
  return [
    `Head office, ${f.entries} entries (${f.valid} valid) in ${(f.bytes / 1024 / 1024).toFixed(1)} MB:`,
    ...(f.generatedMs !== undefined ? [`  generate data set   ${pad(s(f.generatedMs), 10)}`] : []),
    `  read file           ${pad(ms(f.readMs), 10)}`,
    `  JSON.parse          ${pad(ms(f.parseMs), 10)}`,
    `  checkBundle         ${pad(s(f.checkMs), 10)}   (${((f.checkMs / f.entries) * 1000).toFixed(0)} µs per entry)`,
    `  AuditFacts          ${pad(ms(f.factsMs), 10)}   (${f.facts} facts; heap ${f.heapMb.toFixed(0)} MB)`,
    `  dashboard: latestRevisions + applyFilter + rankSites (vs previousPeriod) + heatMap, median of ${f.runs}`,
    `    rubric  audits  sites  cells   whole year   last quarter`,
    ...f.rubrics.map(
      (r) =>
        `    ${r.rubricId.padEnd(6)}${pad(String(r.audits), 8)}${pad(String(r.sites), 7)}${pad(String(r.heatCells), 7)}` +
        `${pad(ms(r.yearMs), 13)}${pad(ms(r.quarterMs), 15)}`,
    ),
    '',
  ].join('\n');
}

// ---- bundle format 1 vs 2 ------------------------------------------------------------------------

/** The issue's goal: `ducha verify` + `ducha import` of a 10,000-audit bundle without photos. */
export const IMPORT_GOAL_PER_S = 1000;

export interface FormatSet {
  readonly label: string;
  readonly audits: number;
  readonly photos: { min: number; max: number };
}

export const formatSets: readonly FormatSet[] = [
  { label: '10,000 audits, no photos', audits: 10_000, photos: { min: 0, max: 0 } },
  { label: '100 audits, 0–10 photos of ≈250 KB', audits: 100, photos: { min: 0, max: 10 } },
];

interface FormatFigures {
  readonly format: 1 | 2;
  readonly entries: number;
  readonly bytes: number;
  readonly verifyMs: number;
  readonly importMs: number;
  readonly stored: number;
}

const quiet = { out: () => undefined, err: (line: string) => process.stderr.write(`${line}\n`) };

/** The set in both formats (same seed: the same audits) and its devices' key files, made once into .tmp/. */
export async function ensureFormatSet(
  set: FormatSet,
  format: 1 | 2,
  log: (line: string) => void,
): Promise<{ path: string; keysDir: string; entries: number }> {
  const name = `formats-${set.audits}-${set.photos.max}`;
  const path = join(root, '.tmp', `${name}-v${format}.ducha`);
  const keysDir = join(root, '.tmp', `${name}-keys`);
  const countFile = `${path}.entries`;
  if (!existsSync(path) || !existsSync(countFile)) {
    mkdirSync(dirname(path), { recursive: true });
    log(`  generating ${set.label}, format ${format}…`);
    const made = await generateDataset({
      ...benchDataset,
      audits: set.audits,
      out: path,
      format,
      photos: set.photos,
      keysDir,
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(countFile, String(made.entries));
  }
  return { path, keysDir, entries: Number(readFileSync(countFile, 'utf8')) };
}

async function enrolAll(keysDir: string, store: string): Promise<void> {
  for (const name of readdirSync(keysDir)) {
    const file = deviceKeyFileSchema.parse(JSON.parse(readFileSync(join(keysDir, name), 'utf8')));
    const code = await runCli(
      ['keys', 'add', join(keysDir, name), '--fingerprint', keyFingerprint(file.publicKey), '--store', store],
      quiet,
    );
    if (code !== 0) throw new Error(`could not enrol ${name}`);
  }
}

/** `ducha verify` then `ducha import` into a fresh store, in this process (no start-up time counted). */
async function timeFormat(
  set: FormatSet,
  format: 1 | 2,
  log: (line: string) => void,
): Promise<FormatFigures> {
  const { path, keysDir, entries } = await ensureFormatSet(set, format, log);
  const store = mkdtempSync(join(root, '.tmp', 'bench-store-'));
  try {
    await enrolAll(keysDir, store);
    log(`  verify + import, format ${format}: ${set.label}…`);
    const verify = await timed(() => runCli(['verify', path, '--store', store], quiet));
    if (verify.value !== 0) throw new Error(`verify of ${path} exited ${verify.value}`);
    const imported = await timed(() => runCli(['import', path, '--store', store], quiet));
    if (imported.value !== 0) throw new Error(`import of ${path} exited ${imported.value}`);
    const stored = readdirSync(join(store, 'audits')).length;
    return {
      format,
      entries,
      bytes: statSync(path).size,
      verifyMs: verify.ms,
      importMs: imported.ms,
      stored,
    };
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

export async function runFormatBench(log: (line: string) => void): Promise<string> {
  const lines = [
    'Bundle format 1 (JSON, base64) vs 2 (zip): CLI in this process, fresh store, keys enrolled',
  ];
  const started = performance.now();
  for (const set of formatSets) {
    // Interleaved 1, 2 (BENCH_FORMAT_REPEATS times, default once), keeping the better run of each: the machine is shared.
    const runs: FormatFigures[] = [];
    const repeats = Number(process.env.BENCH_FORMAT_REPEATS ?? 1);
    for (let r = 0; r < repeats; r++)
      for (const format of [1, 2] as const) runs.push(await timeFormat(set, format, log));
    const best = (format: 1 | 2): FormatFigures | undefined =>
      runs
        .filter((r) => r.format === format)
        .sort((a, b) => a.verifyMs + a.importMs - (b.verifyMs + b.importMs))[0];
    const v1 = best(1);
    const v2 = best(2);
    if (!v1 || !v2) continue;
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    const rate = (f: FormatFigures, ms: number) => f.entries / (ms / 1000);
    lines.push(`  ${set.label} (${v1.entries} entries):`);
    lines.push(
      `    size              v1 ${mb(v1.bytes).padStart(9)}   v2 ${mb(v2.bytes).padStart(9)}   (v2 = ${((v2.bytes / v1.bytes) * 100).toFixed(0)} % of v1)`,
    );
    for (const f of [v1, v2]) {
      const both = f.verifyMs + f.importMs;
      lines.push(
        `    v${f.format} verify ${rate(f, f.verifyMs).toFixed(0).padStart(5)} audits/s   import ${rate(f, f.importMs).toFixed(0).padStart(5)} audits/s` +
          `   verify+import ${(both / 1000).toFixed(1).padStart(5)} s = ${rate(f, both).toFixed(0).padStart(5)} audits/s` +
          (set.photos.max === 0 ? `   (goal: import ≥ ${IMPORT_GOAL_PER_S} audits/s)` : '') +
          `   stored ${f.stored}`,
      );
    }
  }
  lines.push(
    `  (bench took ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg()[0]?.toFixed(1) ?? '?'} on ${cpus().length} cores)`,
  );
  return `${lines.join('\n')}\n`;
}

/** The set the goals name (10,000 audits without photos), or 2,000 with `--quick`. */
export const importSet = (quick: boolean): FormatSet =>
  quick
    ? { label: '2,000 audits, no photos', audits: 2_000, photos: { min: 0, max: 0 } }
    : { label: '10,000 audits, no photos', audits: 10_000, photos: { min: 0, max: 0 } };

/** `npm run bench`'s CLI part: `ducha verify` + `ducha import` of the format-2 set, in this process. */
export async function runCliImportBench(bench: BenchContext): Promise<PartResult> {
  const set = importSet(bench.quick);
  const f = await timeFormat(set, 2, bench.log);
  const rate = (ms: number) => f.entries / (ms / 1000);
  const both = rate(f.verifyMs + f.importMs);
  const imported = rate(f.importMs);
  // `ducha import` verifies every seal itself before it stores anything: that is the goal's "verify + import".
  // `ducha verify` first and then `ducha import` (each verifying) is shown beside it.
  bench.print(
    [
      `CLI, bundle format 2, ${set.label} (${String(f.entries)} entries, ${(f.bytes / 1024 / 1024).toFixed(1)} MB), fresh store, keys enrolled:`,
      `  ducha verify ${rate(f.verifyMs).toFixed(0)} audits/s (${(f.verifyMs / 1000).toFixed(1)} s); ducha import (verifies every seal, stores) ${imported.toFixed(0)} audits/s (${(f.importMs / 1000).toFixed(1)} s), stored ${String(f.stored)} (goal ≥ ${String(IMPORT_GOAL_PER_S)})`,
      `  verify, then import: ${both.toFixed(0)} audits/s`,
      '',
    ].join('\n'),
  );
  return {
    part: 'CLI',
    figures: [
      {
        label: `ducha import (verify + store), ${set.label}`,
        value: `${imported.toFixed(0)} audits/s`,
        goal: `≥ ${String(IMPORT_GOAL_PER_S)} audits/s`,
        isMet: imported >= IMPORT_GOAL_PER_S,
      },
      { label: 'ducha verify, then ducha import', value: `${both.toFixed(0)} audits/s` },
    ],
  };
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && resolve(invokedPath) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { fresh: { type: 'boolean' }, 'formats-only': { type: 'boolean' } },
  });
  if (values['formats-only']) {
    process.stdout.write(await runFormatBench((line) => process.stderr.write(`${line}\n`)));
    process.exit(0);
  }
  const figures = await runHeadOfficeBench({
    fresh: values.fresh ?? false,
    runs: Number(process.env.BENCH_RUNS ?? 5),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(formatFigures(figures));
  process.stdout.write(await runFormatBench((line) => process.stderr.write(`${line}\n`)));
}
