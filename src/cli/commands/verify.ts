import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import {
  gradesOf,
  scoreAudit,
  verifyEnvelope,
  type SealedEnvelope,
  type TamperFinding,
} from '../../domain/index';
import { webCryptoVerifier } from '../../crypto/webcrypto-verifier';
import { SEAL_BEGIN, SEAL_END } from '../../report/render-score-sheet';
import { buildSheetModel } from '../../report/sheet-model';
import type { CliIo } from '../io';
import { findBetweenMarkers, isPdf, jpegImageHashes } from '../pdf-inspect';

export const EXIT = { valid: 0, tampered: 1, unsigned: 2 } as const;

/** Whitespace-free, so line wrapping inside table cells does not matter. */
const squash = (text: string): string => text.replace(/\s+/g, '');

/** True when `needle` is printed, allowing □ wherever the font lacked a character. */
function isPrinted(haystack: string, needle: string): boolean {
  const wanted = squash(needle);
  if (wanted === '' || haystack.includes(wanted)) return true;
  const pattern = Array.from(wanted, (ch) => {
    const escaped = ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return (ch.codePointAt(0) ?? 0) > 0x7f ? `(?:${escaped}|□)` : escaped;
  }).join('');
  return new RegExp(pattern, 'u').test(haystack);
}

function printedText(file: string): string | undefined {
  const result = spawnSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return result.status === 0 ? squash(result.stdout) : undefined;
}

/** What the PDF shows must be what was sealed: the score, the texts and every image. */
function compareSheet(envelope: SealedEnvelope, pdf: Uint8Array, text: string): TamperFinding[] {
  const { audit, rubric } = envelope.payload;
  const model = buildSheetModel(rubric, audit, scoreAudit(rubric, gradesOf(audit.answers)));
  const findings: TamperFinding[] = [];
  if (!isPrinted(text, model.total))
    findings.push({
      what: 'score',
      message: `the printed 合计 is not the sealed ${model.total.replace(/\n/g, ' ')}`,
    });
  for (const row of model.rows) {
    const [, title, standard, , points, earned] = row.cells;
    if (!isPrinted(text, `${points}${earned}`))
      findings.push({
        what: 'score',
        message: `item ${row.id}: the printed score is not the sealed ${earned.replace(/\n/g, ' ')}`,
      });
    if (!isPrinted(text, title) || !isPrinted(text, standard))
      findings.push({
        what: 'text',
        message: `item ${row.id}: the printed text (standard or note) differs from the sealed one`,
      });
  }
  for (const line of [
    model.title,
    model.siteLine,
    model.metaLine,
    ...model.signers.map((s) => `${s.role}签名:${s.name}`),
  ]) {
    if (!isPrinted(text, line))
      findings.push({ what: 'text', message: `"${line}" is not printed as sealed` });
  }
  const hashes = new Set(jpegImageHashes(pdf));
  for (const blob of envelope.payload.blobs) {
    if (!hashes.has(blob.sha256)) {
      findings.push({
        what: blob.kind,
        message: `${blob.kind === 'photo' ? `photo of unit ${blob.unitId ?? '?'}` : `${blob.role ?? ''} signature`} is not the sealed image`,
      });
    }
  }
  return findings;
}

/** `ducha verify <file.pdf>`: valid (0), tampered (1, saying what) or unsigned (2). */
export async function verifyCommand(file: string | undefined, io: CliIo): Promise<number> {
  if (file === undefined) {
    io.err('verify: name a PDF, e.g. ducha verify sheet.pdf');
    return EXIT.tampered;
  }
  let pdf: Uint8Array;
  try {
    pdf = new Uint8Array(await readFile(file));
  } catch {
    io.err(`${file}: file not found`);
    return EXIT.tampered;
  }
  if (!isPdf(pdf)) {
    io.out(`${file}: unsigned — not a PDF`);
    return EXIT.unsigned;
  }
  const embedded = findBetweenMarkers(pdf, SEAL_BEGIN, SEAL_END);
  if (embedded === undefined) {
    io.out(`${file}: unsigned — no Ducha seal is embedded (a draft or 未签章 sheet)`);
    return EXIT.unsigned;
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(embedded, 'base64').toString('utf8'));
  } catch {
    io.out(`${file}: tampered — seal: the embedded seal cannot be read`);
    return EXIT.tampered;
  }
  const check = await verifyEnvelope(json, webCryptoVerifier);
  if (check.status === 'malformed') {
    io.out(
      `${file}: tampered — seal: the embedded seal is malformed (${check.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})`,
    );
    return EXIT.tampered;
  }
  const text = printedText(file);
  if (text === undefined) {
    io.err('verify: cannot read the printed text: install pdftotext (Debian: apt-get install poppler-utils)');
    return EXIT.tampered;
  }
  const findings = [
    ...(check.status === 'tampered' ? check.findings : []),
    ...compareSheet(check.envelope, pdf, text),
  ];
  const { payload, hash } = check.envelope;
  if (findings.length > 0) {
    const kinds = [...new Set(findings.map((f) => f.what))].join(', ');
    io.out(`${file}: tampered — ${kinds}`);
    for (const f of findings) io.out(`  ${f.what}: ${f.message}`);
    return EXIT.tampered;
  }
  io.out(
    `${file}: valid — ${payload.audit.rubricId} ${payload.audit.site.name}, revision ${payload.audit.revision}, sealed ${payload.sealedAt}, hash ${hash}`,
  );
  return EXIT.valid;
}
