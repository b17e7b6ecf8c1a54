import { open, rename, writeFile } from 'node:fs/promises';
import {
  BUNDLE_FORMAT_VERSION,
  BundleV2Writer,
  DEFAULT_BUNDLE_LIMITS,
  formatIssue,
  readBundle as readAnyBundle,
  type BundleContents,
  type BundleLimits,
  type BundleRead,
  type ByteSource,
  latestRevisions,
  runIntake,
  shortKeyId,
  type Bundle,
  type EnrolledKey,
  type EntryVerdict,
  type IntakeReport,
  type SealedAuditFile,
  decodeBase64Url,
} from '../../domain/head-office';
import { nodeCrc32 } from '../../crypto/node-crc32';
import { nodeVerifier } from '../../crypto/node-verifier';
import { auditsCsv, isTimeZone, unitsCsv } from '../../report/csv';
import { FileStore } from '../file-store';
import type { CliIo } from '../io';

export const DEFAULT_STORE = '.ducha-store';

// The CLI writes machine-friendly English headers and grade keys; the app writes the user's language.
const auditLabels = {
  site: 'site',
  region: 'region',
  rubric: 'rubric',
  date: 'audited_at',
  auditor: 'auditor',
  earned: 'earned',
  possible: 'possible',
  percent: 'percent',
};
const unitLabels = {
  auditId: 'audit_id',
  site: 'site',
  rubric: 'rubric',
  date: 'audited_at',
  unit: 'unit',
  grade: 'grade',
  earned: 'earned',
  possible: 'possible',
  note: 'note',
};

/** Reads what is asked of a file from disk, so a v2 bundle is never in memory whole. */
async function withFileSource<T>(file: string, work: (source: ByteSource) => Promise<T>): Promise<T> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    return await work({
      size,
      async read(offset, length) {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        let at = 0;
        while (at < buffer.length) {
          const { bytesRead } = await handle.read(buffer, at, buffer.length - at, offset + at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
        return buffer.subarray(0, at);
      },
    });
  } finally {
    await handle.close();
  }
}

/** `--max-size` in bytes, or with a unit: 500M, 2G. */
export function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!match) return Number.NaN;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

async function readBundle(
  file: string,
  io: CliIo,
  limits: BundleLimits,
): Promise<BundleContents | undefined> {
  let checked: BundleRead<BundleContents>;
  try {
    checked = await withFileSource(file, (source) => readAnyBundle(source, nodeVerifier, limits, { crc32: nodeCrc32 }));
  } catch (error) {
    io.err(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (!checked.ok) {
    // Whole-file problems carry the path "(file)": the message alone says it.
    for (const issue of checked.issues)
      io.err(
        `${file}: ${issue.path === '(file)' || issue.path === '(json)' ? issue.message : formatIssue(issue)} (nothing written)`,
      );
    return undefined;
  }
  // Entries no audit uses are said once, here, for import and verify alike; they make the exit code 1 (a bundle
  // as Ducha writes it has none) but refuse nothing.
  for (const unused of checked.value.unusedEntries) io.out(`${file}: unused entry ${unused.entry}: ${unused.reason}`);
  return checked.value;
}

const refusal = (v: Extract<EntryVerdict, { status: 'refused' }>): string =>
  `refused audits[${v.index}]${v.auditId ? ` ${v.auditId}` : ''}: ${v.kind}: ${v.reason}`;

/** Who signed, for the terminal: the enrolled device and auditor, or the bare fingerprint. */
export function signerText(signer: string, keys: readonly EnrolledKey[]): string {
  const key = keys.find((k) => k.keyId === signer);
  if (!key) return `unenrolled key ${shortKeyId(signer)}`;
  return `${key.deviceLabel} / ${key.auditor} (${shortKeyId(signer)}${key.revokedAt ? `, revoked ${key.revokedAt}` : ''})`;
}

const holdText: Record<IntakeReport['held'][number]['reason'], string> = {
  'unknown-key': 'held (待确认签名): signed by a key that is not enrolled; enrol it with `ducha keys add`',
  'unknown-rubric':
    'held: scored against a rubric version head office does not know; accept it with `ducha rubrics accept`',
  'missing-predecessor': 'held: waiting for the revision it corrects',
};

export function printIntakeReport(
  file: string,
  report: IntakeReport,
  keys: readonly EnrolledKey[],
  io: CliIo,
): void {
  for (const r of report.refused)
    io.out(`${file}: refused audits[${r.index}]${r.auditId ? ` ${r.auditId}` : ''}: ${r.kind}: ${r.reason}`);
  for (const a of report.accepted)
    io.out(
      `${file}: stored ${a.auditId} ${a.rubricId} ${a.siteName} r${a.revision}, signed by ${signerText(a.signer, keys)}`,
    );
  for (const h of report.held)
    io.out(
      `${file}: ${holdText[h.reason]}: ${h.auditId} ${h.siteName}, signed by ${signerText(h.signer, keys)}${h.reason === 'unknown-key' ? '' : ` (${h.message})`}`,
    );
  for (const c of report.conflicts)
    io.out(
      `${file}: conflict ${c.auditId} (${c.siteName}) r${c.revision}: ${c.message}; kept ${c.existing.auditId} seal ${c.existing.hash.slice(0, 16)}${c.existing.signer ? ` by ${signerText(c.existing.signer, keys)}` : ''}, refused seal ${c.incomingHash.slice(0, 16)} by ${signerText(c.incomingSigner, keys)}`,
    );
}

/**
 * `ducha import <bundle…> [--store DIR]`: verified audits signed by enrolled keys go into the store; audits
 * by unknown keys or rubrics wait aside (held); conflicts and forgeries never replace what is stored.
 */
export async function importCommand(
  files: readonly string[],
  store: string,
  io: CliIo,
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
): Promise<number> {
  if (files.length === 0) {
    io.err('import: name a bundle, e.g. ducha import auditor-1.ducha');
    return 1;
  }
  const fileStore = new FileStore(store);
  let problems = 0;
  let held = 0;
  for (const file of files) {
    const contents = await readBundle(file, io, limits);
    if (contents === undefined) {
      problems++;
      continue;
    }
    problems += contents.unusedEntries.length;
    const report = await runIntake(contents.verdicts, fileStore, nodeVerifier, {
      source: file,
      now: () => new Date().toISOString(),
      // Every verdict is in memory already; each commit rewrites and fsyncs the whole index, so 10,000 audits in
      // chunks of 250 wrote it 40 times (growing to ≈2 MB). Each audit is still committed whole.
      chunkSize: 1000,
    });
    const keys = await fileStore.keys();
    printIntakeReport(file, report, keys, io);
    const heldNew = report.held.length;
    io.out(
      `${file}: ${report.accepted.length} stored, ${report.unchanged.length} unchanged, ${heldNew} held, ${report.conflicts.length} conflicts, ${report.refused.length} refused`,
    );
    problems += report.conflicts.length + report.refused.length;
    held += heldNew;
  }
  return problems > 0 ? 1 : held > 0 ? 3 : 0;
}

export interface ExportOptions {
  readonly store: string;
  readonly out?: string;
  readonly csv?: string;
  readonly unitsCsv?: string;
  /** 2 (zip, the default) or 1 (the JSON bundle older readers take). */
  readonly format?: 1 | 2;
  /** The IANA zone the CSV's 考核时间 is written in (default Asia/Shanghai, like the sheet). */
  readonly timeZone?: string;
}

/** `ducha export [--store DIR] [--out bundle.ducha] [--csv audits.csv] [--units-csv units.csv]`. */
export async function exportCommand(options: ExportOptions, io: CliIo): Promise<number> {
  if (!options.out && !options.csv && !options.unitsCsv) {
    io.err('export: give --out <bundle.ducha>, --csv <audits.csv> and/or --units-csv <units.csv>');
    return 1;
  }
  const fileStore = new FileStore(options.store);
  const entries = await fileStore.all();
  if (options.out) {
    const createdAt = new Date().toISOString();
    if (options.format === 1) {
      const bundle: Bundle = {
        format: 'ducha.bundle',
        version: BUNDLE_FORMAT_VERSION,
        createdAt,
        audits: entries,
      };
      await writeFile(options.out, JSON.stringify(bundle));
    } else {
      await writeBundleFile(options.out, createdAt, entries);
    }
    io.out(`${options.out}: ${entries.length} audits (bundle format ${options.format ?? 2})`);
  }
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  if (!isTimeZone(timeZone)) {
    io.err(`export: --tz ${timeZone} is not a time zone this machine knows (e.g. Asia/Shanghai, UTC)`);
    return 1;
  }
  const facts = latestRevisions(await fileStore.facts()).sort(
    (a, b) => Date.parse(a.auditedAt) - Date.parse(b.auditedAt),
  );
  // The cells are local date-times Excel reads; the header says whose local time.
  const inZone = (label: string) => `${label} (${timeZone})`;
  if (options.csv) {
    await writeFile(
      options.csv,
      auditsCsv(facts, { ...auditLabels, date: inZone(auditLabels.date) }, timeZone),
    );
    io.out(`${options.csv}: ${facts.length} audits`);
  }
  if (options.unitsCsv) {
    await writeFile(
      options.unitsCsv,
      unitsCsv(facts, { ...unitLabels, date: inZone(unitLabels.date) }, (grade) => grade, timeZone),
    );
    io.out(`${options.unitsCsv}: ${facts.reduce((n, f) => n + f.units.length, 0)} unit rows`);
  }
  return 0;
}

/** Streams a v2 bundle to disk beside the target and renames it, so a failed export leaves no half file. */
async function writeBundleFile(
  out: string,
  createdAt: string,
  entries: readonly SealedAuditFile[],
): Promise<void> {
  const partial = `${out}.partial`;
  const handle = await open(partial, 'w');
  try {
    let pending: Uint8Array[] = [];
    const flush = async () => {
      for (const chunk of pending) await handle.write(chunk);
      pending = [];
    };
    const writer = new BundleV2Writer((chunk) => pending.push(chunk), createdAt);
    for (const entry of entries) {
      const images = new Map<string, Uint8Array>();
      for (const blob of entry.blobs) {
        const bytes = decodeBase64Url(blob.base64url);
        if (!bytes.ok)
          throw new Error(
            `stored audit ${entry.envelope.payload.audit.id}: image ${blob.id} is not base64url`,
          );
        images.set(blob.id, bytes.value);
      }
      writer.add(entry.envelope, images);
      await flush();
    }
    writer.finish();
    await flush();
  } finally {
    await handle.close();
  }
  await rename(partial, out);
}

/**
 * `ducha verify <bundle> [--store DIR]`: every audit's seal, hashes and images, and who signed it by the
 * store's key register. Exit 0 only when every audit is valid and signed by an enrolled, unrevoked key;
 * 3 when all are intact but some signer is not enrolled (a seal alone proves only that *somebody* signed).
 */
export async function verifyBundleCommand(
  file: string,
  store: string,
  io: CliIo,
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
): Promise<number> {
  const contents = await readBundle(file, io, limits);
  if (contents === undefined) return 1;
  const { verdicts } = contents;
  const keys = await new FileStore(store).keys();
  let refused = 0;
  let unknown = 0;
  for (const verdict of verdicts) {
    if (verdict.status === 'refused') {
      io.out(`${file}: ${refusal(verdict)}`);
      refused++;
      continue;
    }
    const { audit, sealedAt } = verdict.envelope.payload;
    const key = keys.find((k) => k.keyId === verdict.signer);
    const isRevoked = key?.revokedAt !== undefined && Date.parse(sealedAt) >= Date.parse(key.revokedAt);
    if (!key) unknown++;
    if (isRevoked) refused++;
    const verdictWord = isRevoked
      ? 'refused (sealed after its key was revoked)'
      : key
        ? 'valid'
        : 'intact, signer not enrolled (待确认签名)';
    io.out(
      `${file}: ${verdictWord} audits[${verdict.index}] ${audit.id} ${audit.rubricId} ${audit.site.name} r${audit.revision}, signed by ${signerText(verdict.signer, keys)}`,
    );
  }
  io.out(
    `${file}: ${verdicts.length - refused - unknown} valid, ${unknown} signer not enrolled, ${refused} refused`,
  );
  return refused > 0 || contents.unusedEntries.length > 0 ? 1 : unknown > 0 ? 3 : 0;
}
