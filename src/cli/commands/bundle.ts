import { readFile, writeFile } from 'node:fs/promises';
import {
  BUNDLE_FORMAT_VERSION,
  checkBundle,
  formatIssue,
  latestRevisions,
  runIntake,
  shortKeyId,
  type Bundle,
  type EnrolledKey,
  type EntryVerdict,
  type IntakeReport,
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

/** Who signed, for the terminal: the enrolled device and auditor, or the bare fingerprint. */
export function signerText(signer: string, keys: readonly EnrolledKey[]): string {
  const key = keys.find((k) => k.keyId === signer);
  if (!key) return `unenrolled key ${shortKeyId(signer)}`;
  return `${key.deviceLabel} / ${key.auditor} (${shortKeyId(signer)}${key.revokedAt ? `, revoked ${key.revokedAt}` : ''})`;
}

const holdText: Record<IntakeReport['held'][number]['reason'], string> = {
  'unknown-key': 'held (待确认签名): signed by a key that is not enrolled; enrol it with `ducha keys add`',
  'unknown-rubric': 'held: scored against a rubric version head office does not know; accept it with `ducha rubrics accept`',
  'missing-predecessor': 'held: waiting for the revision it corrects',
};

export function printIntakeReport(file: string, report: IntakeReport, keys: readonly EnrolledKey[], io: CliIo): void {
  for (const r of report.refused)
    io.out(`${file}: refused audits[${r.index}]${r.auditId ? ` ${r.auditId}` : ''}: ${r.kind}: ${r.reason}`);
  for (const a of report.accepted)
    io.out(`${file}: stored ${a.auditId} ${a.rubricId} ${a.siteName} r${a.revision}, signed by ${signerText(a.signer, keys)}`);
  for (const h of report.held)
    io.out(`${file}: ${holdText[h.reason]}: ${h.auditId} ${h.siteName}, signed by ${signerText(h.signer, keys)}${h.reason === 'unknown-key' ? '' : ` (${h.message})`}`);
  for (const c of report.conflicts)
    io.out(
      `${file}: conflict ${c.auditId} (${c.siteName}) r${c.revision}: ${c.message}; kept ${c.existing.auditId} seal ${c.existing.hash.slice(0, 16)}${c.existing.signer ? ` by ${signerText(c.existing.signer, keys)}` : ''}, refused seal ${c.incomingHash.slice(0, 16)} by ${signerText(c.incomingSigner, keys)}`,
    );
}

/**
 * `ducha import <bundle…> [--store DIR]`: verified audits signed by enrolled keys go into the store; audits
 * by unknown keys or rubrics wait aside (held); conflicts and forgeries never replace what is stored.
 */
export async function importCommand(files: readonly string[], store: string, io: CliIo): Promise<number> {
  if (files.length === 0) {
    io.err('import: name a bundle, e.g. ducha import auditor-1.ducha');
    return 1;
  }
  const fileStore = new FileStore(store);
  let problems = 0;
  let held = 0;
  for (const file of files) {
    const verdicts = await readBundle(file, io);
    if (verdicts === undefined) {
      problems++;
      continue;
    }
    const report = await runIntake(verdicts, fileStore, webCryptoVerifier, {
      source: file,
      now: () => new Date().toISOString(),
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

/**
 * `ducha verify <bundle> [--store DIR]`: every audit's seal, hashes and images, and who signed it by the
 * store's key register. Exit 0 only when every audit is valid and signed by an enrolled, unrevoked key;
 * 3 when all are intact but some signer is not enrolled (a seal alone proves only that *somebody* signed).
 */
export async function verifyBundleCommand(file: string, store: string, io: CliIo): Promise<number> {
  const verdicts = await readBundle(file, io);
  if (verdicts === undefined) return 1;
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
    const verdictWord = isRevoked ? 'refused (sealed after its key was revoked)' : key ? 'valid' : 'intact, signer not enrolled (待确认签名)';
    io.out(
      `${file}: ${verdictWord} audits[${verdict.index}] ${audit.id} ${audit.rubricId} ${audit.site.name} r${audit.revision}, signed by ${signerText(verdict.signer, keys)}`,
    );
  }
  io.out(`${file}: ${verdicts.length - refused - unknown} valid, ${unknown} signer not enrolled, ${refused} refused`);
  return refused > 0 ? 1 : unknown > 0 ? 3 : 0;
}
