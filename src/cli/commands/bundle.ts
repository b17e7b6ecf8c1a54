import { readFile, writeFile } from 'node:fs/promises';
import {
  BUNDLE_FORMAT_VERSION,
  checkBundle,
  formatIssue,
  latestRevisions,
  toBase64Url,
  type Bundle,
  type EntryVerdict,
} from '../../domain/index';
import { webCryptoVerifier } from '../../crypto/webcrypto-verifier';
import { auditsCsv, unitsCsv } from '../../report/csv';
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

async function readBundle(file: string, io: CliIo): Promise<EntryVerdict[] | undefined> {
  let json: unknown;
  try {
    json = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    io.err(`${file}: not a Ducha bundle: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const checked = await checkBundle(json, webCryptoVerifier);
  if (!checked.ok) {
    for (const issue of checked.issues) io.err(`${file}: not a Ducha bundle: ${formatIssue(issue)}`);
    return undefined;
  }
  return checked.value;
}

const refusal = (v: Extract<EntryVerdict, { status: 'refused' }>): string =>
  `refused audits[${v.index}]${v.auditId ? ` ${v.auditId}` : ''}: ${v.kind}: ${v.reason}`;

/** `ducha import <bundle…> [--store DIR]`: verified audits go into the store; nothing else does. */
export async function importCommand(files: readonly string[], store: string, io: CliIo): Promise<number> {
  if (files.length === 0) {
    io.err('import: name a bundle, e.g. ducha import auditor-1.ducha');
    return 1;
  }
  const fileStore = new FileStore(store);
  let problems = 0;
  for (const file of files) {
    const verdicts = await readBundle(file, io);
    if (verdicts === undefined) {
      problems++;
      continue;
    }
    const counts = { stored: 0, unchanged: 0, conflicts: 0, refused: 0 };
    for (const verdict of verdicts) {
      if (verdict.status === 'refused') {
        io.out(`${file}: ${refusal(verdict)}`);
        counts.refused++;
        continue;
      }
      const { envelope } = verdict;
      const id = envelope.payload.audit.id;
      const existing = await fileStore.get(id);
      if (existing?.envelope.hash === envelope.hash) {
        counts.unchanged++;
        continue;
      }
      if (existing) {
        io.out(
          `${file}: conflict ${id} (${envelope.payload.audit.site.name}): the store holds ${existing.envelope.hash.slice(0, 16)}, the bundle ${envelope.hash.slice(0, 16)}; kept the stored one`,
        );
        counts.conflicts++;
        continue;
      }
      await fileStore.put({
        envelope,
        blobs: [...verdict.blobs].map(([blobId, b]) => ({
          id: blobId,
          type: b.type,
          base64url: toBase64Url(b.bytes),
        })),
      });
      counts.stored++;
    }
    io.out(
      `${file}: ${counts.stored} stored, ${counts.unchanged} unchanged, ${counts.conflicts} conflicts, ${counts.refused} refused`,
    );
    problems += counts.conflicts + counts.refused;
  }
  return problems > 0 ? 1 : 0;
}

export interface ExportOptions {
  readonly store: string;
  readonly out?: string;
  readonly csv?: string;
  readonly unitsCsv?: string;
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
    const bundle: Bundle = {
      format: 'ducha.bundle',
      version: BUNDLE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      audits: entries,
    };
    await writeFile(options.out, JSON.stringify(bundle));
    io.out(`${options.out}: ${entries.length} audits`);
  }
  const facts = latestRevisions(await fileStore.facts()).sort((a, b) =>
    a.auditedAt.localeCompare(b.auditedAt),
  );
  if (options.csv) {
    await writeFile(options.csv, auditsCsv(facts, auditLabels));
    io.out(`${options.csv}: ${facts.length} audits`);
  }
  if (options.unitsCsv) {
    await writeFile(
      options.unitsCsv,
      unitsCsv(facts, unitLabels, (grade) => grade),
    );
    io.out(`${options.unitsCsv}: ${facts.reduce((n, f) => n + f.units.length, 0)} unit rows`);
  }
  return 0;
}

/** `ducha verify <bundle>`: every audit's seal, hashes and images; exit 0 only when all are valid. */
export async function verifyBundleCommand(file: string, io: CliIo): Promise<number> {
  const verdicts = await readBundle(file, io);
  if (verdicts === undefined) return 1;
  let refused = 0;
  for (const verdict of verdicts) {
    if (verdict.status === 'refused') {
      io.out(`${file}: ${refusal(verdict)}`);
      refused++;
    } else {
      const { audit } = verdict.envelope.payload;
      io.out(
        `${file}: valid audits[${verdict.index}] ${audit.id} ${audit.rubricId} ${audit.site.name} r${audit.revision}`,
      );
    }
  }
  io.out(`${file}: ${verdicts.length - refused} valid, ${refused} refused`);
  return refused > 0 ? 1 : 0;
}
