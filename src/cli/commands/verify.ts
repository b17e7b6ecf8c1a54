import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  keyId,
  type EnrolledKey,
  fromHundredths,
  fromTenths,
  keyFingerprint,
  verifyEnvelope,
  type SealedEnvelope,
} from '../../domain/index';
import { nodeVerifier } from '../../crypto/node-verifier';
import type { SheetFont } from '../../report/font-choice';
import { isTimeZone } from '../../report/csv';
import { renderSealedSheet } from '../../report/sealed-sheet';
import { SEAL_BEGIN, SEAL_END } from '../../report/sheet-document';
import { DEFAULT_SHEET_TIME_ZONE, zonedDateTime } from '../../report/sheet-time';
import {
  fontIdentity,
  JSPDF_VERSION,
  RENDERER_BEGIN,
  RENDERER_END,
  REPRODUCIBLE_RENDERER_VERSIONS,
  rendererRecordSchema,
  type FontIdentity,
  type RendererRecord,
} from '../../report/sheet-record';
import type { CliIo } from '../io';
import { findBetweenMarkers, isPdf, jpegImages, pageContents } from '../pdf-inspect';
import { DEFAULT_FALLBACK_FONT, readFontFile, SUBSET_FONT_PATH, SYSTEM_FALLBACK_FONT } from '../sheet-fonts';

/** 3 is neither valid nor tampered: this verifier cannot re-make the sheet, so it proves nothing either way. */
export const EXIT = { valid: 0, tampered: 1, unsigned: 2, cannotCheck: 3 } as const;

export interface VerifyOptions {
  /**
   * The receiver's key register (`--store`). When given, only a signer enrolled in it makes a sheet
   * valid: an unknown key is "intact, signer not enrolled" (exit 3), a key revoked before the seal was
   * made is refused (exit 1). A seal proves only that *some* key signed.
   */
  readonly register?: readonly EnrolledKey[];
  /** More font files (TTF or TTC) to look for the recorded fonts in, besides the bundled subset and wqy. */
  readonly fontFiles?: readonly string[];
  /**
   * Who holds a signing key, from a key register (e.g. "设备 平板3 · 王小明"); undefined when the key is not
   * enrolled. Without it the fingerprint is printed as not checked against any register.
   */
  readonly describeSigner?: (
    fingerprint: string,
    envelope: SealedEnvelope,
  ) => string | undefined | Promise<string | undefined>;
}

const REMAKE_HINT =
  're-make the sheet from the audit export with `ducha pdf --audit <export> --out sheet.pdf`';

/**
 * What the seal says, line by line, for a reader to hold against the paper. `signer` is how a key
 * register names the key, when one was consulted; times are shown in the zone the sheet prints them in.
 */
export function sealedValues(
  envelope: SealedEnvelope,
  signer?: string,
  timeZone = DEFAULT_SHEET_TIME_ZONE,
): string[] {
  const { payload, hash } = envelope;
  const { audit, rubric, score } = payload;
  const percent = score.percentTenths === null ? '—' : `${fromTenths(score.percentTenths).toFixed(1)}%`;
  const revision = [
    String(audit.revision),
    audit.amendReason ? `amended: ${audit.amendReason}` : '',
    payload.previousHash ? `corrects seal ${payload.previousHash}` : '',
  ].filter((s) => s !== '');
  const rows: [string, string][] = [
    ['site 被考核单位', audit.site.code ? `${audit.site.name} (code ${audit.site.code})` : audit.site.name],
    ['考核时间', `${zonedDateTime(audit.auditedAt, timeZone)} = ${audit.auditedAt}`],
    ['auditor 考核人', audit.auditor],
    ['revision 修订', revision.join(' — ')],
    [
      'signer key',
      `${keyFingerprint(payload.publicKey)} — ${signer ?? 'not checked against a key register'}`,
    ],
    ['sealed at', `${zonedDateTime(payload.sealedAt, timeZone)} = ${payload.sealedAt}`],
    [
      'score 合计',
      `${String(fromHundredths(score.earnedH))} / ${String(fromHundredths(score.possibleH))} (${percent})`,
    ],
    ['rubric', `${rubric.id} ${audit.rubricFingerprint}`],
    ['seal hash', hash],
  ];
  const width = Math.max(...rows.map(([label]) => displayWidth(label)));
  return rows.map(([label, value]) => `  ${label}${' '.repeat(width - displayWidth(label))}  ${value}`);
}

/** Columns a label takes in a terminal: CJK characters are two wide. */
const displayWidth = (text: string): number =>
  Array.from(text).reduce((n, ch) => n + ((ch.codePointAt(0) ?? 0) > 0x2e80 ? 2 : 1), 0);

/**
 * `ducha verify <file.pdf>`: valid (0) only when re-making the sheet from its embedded seal, images and
 * recorded fonts gives this file byte for byte; tampered (1, saying what); unsigned (2); cannot check (3).
 */
export async function verifyCommand(
  file: string | undefined,
  io: CliIo,
  options: VerifyOptions = {},
): Promise<number> {
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
  const json = decodeEmbeddedJson(embedded);
  if (json === undefined) {
    io.out(`${file}: tampered — seal: the embedded seal cannot be read`);
    return EXIT.tampered;
  }
  const check = await verifyEnvelope(json, nodeVerifier);
  if (check.status === 'malformed') {
    io.out(
      `${file}: tampered — seal: the embedded seal is malformed (${check.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})`,
    );
    return EXIT.tampered;
  }
  const { envelope } = check;
  const images = imagesOfSeal(envelope, pdf);
  const findings = [...(check.status === 'tampered' ? check.findings : []), ...images.findings];
  if (findings.length > 0) {
    const kinds = [...new Set(findings.map((f) => f.what))].join(', ');
    io.out(`${file}: tampered — ${kinds}`);
    for (const f of findings) io.out(`  ${f.what}: ${f.message}`);
    return EXIT.tampered;
  }

  const record = readRendererRecord(pdf);
  if (record.kind === 'absent') {
    io.out(
      `${file}: cannot check — made before renderer versions were recorded, so its pages cannot be re-made and compared; ${REMAKE_HINT}`,
    );
    return EXIT.cannotCheck;
  }
  if (record.kind === 'damaged') {
    io.out(`${file}: tampered — the renderer record embedded beside the seal is damaged`);
    return EXIT.tampered;
  }
  const { version, jspdf } = record.value;
  if (!REPRODUCIBLE_RENDERER_VERSIONS.includes(version)) {
    io.out(
      `${file}: cannot check — made by renderer version ${String(version)}; this verifier re-makes version ${REPRODUCIBLE_RENDERER_VERSIONS.join(', ')}; ${REMAKE_HINT}, or use a verifier of that version`,
    );
    return EXIT.cannotCheck;
  }
  if (jspdf !== JSPDF_VERSION) {
    io.out(
      `${file}: cannot check — made with jsPDF ${jspdf}; this verifier draws with jsPDF ${JSPDF_VERSION}; ${REMAKE_HINT}`,
    );
    return EXIT.cannotCheck;
  }
  const recordedZone = record.value.timeZone;
  if (recordedZone !== undefined && !isTimeZone(recordedZone)) {
    io.out(
      `${file}: cannot check — its times are printed in time zone ${recordedZone}, which this machine's time-zone data does not know; ${REMAKE_HINT}`,
    );
    return EXIT.cannotCheck;
  }
  const fonts = await findRecordedFonts(record.value, options.fontFiles ?? []);
  if (!fonts.ok) {
    io.out(
      `${file}: cannot check — font "${fonts.missing.name}" (sha256 ${fonts.missing.sha256}) is not installed here; install it, or ${REMAKE_HINT}`,
    );
    return EXIT.cannotCheck;
  }

  let expected: Uint8Array;
  try {
    expected = renderSealedSheet(
      envelope,
      {
        fonts: fonts.value,
        images: images.byId,
        ...(record.value.timeZone === undefined ? {} : { timeZone: record.value.timeZone }),
      },
      version,
    ).bytes;
  } catch (error) {
    io.out(
      `${file}: cannot check — re-making the sheet failed (${error instanceof Error ? error.message : String(error)}); ${REMAKE_HINT}`,
    );
    return EXIT.cannotCheck;
  }
  const difference = compareWithRemade(expected, pdf);
  if (difference !== undefined) {
    io.out(`${file}: tampered — ${difference}`);
    return EXIT.tampered;
  }
  const fingerprint = keyFingerprint(envelope.payload.publicKey);
  // Renderer 2 printed Asia/Shanghai times without saying so; later sheets record their zone.
  const timeZone = record.value.timeZone ?? DEFAULT_SHEET_TIME_ZONE;
  if (options.register) {
    const signerId = keyId(envelope.payload.publicKey);
    const key = options.register.find((k) => k.keyId === signerId);
    const pages = `the pages show exactly what the seal says (re-made byte for byte by renderer version ${String(version)})`;
    if (key === undefined) {
      io.out(
        `${file}: intact, signer not enrolled (待确认签名) — ${pages}, but key ${fingerprint} is not in the key register: a seal proves only that this key signed. Enrol the tablet's key with \`ducha keys add\` after comparing its fingerprint.`,
      );
      for (const line of sealedValues(envelope, 'NOT ENROLLED', timeZone)) io.out(line);
      return EXIT.cannotCheck;
    }
    if (key.revokedAt !== undefined && Date.parse(envelope.payload.sealedAt) >= Date.parse(key.revokedAt)) {
      io.out(
        `${file}: refused — sealed on ${envelope.payload.sealedAt} by key ${fingerprint} (${key.deviceLabel} / ${key.auditor}), which was revoked on ${key.revokedAt}`,
      );
      return EXIT.tampered;
    }
    io.out(`${file}: valid — ${pages}`);
    const label = `${key.deviceLabel} / ${key.auditor} (enrolled ${key.enrolledAt}${key.revokedAt ? `, revoked ${key.revokedAt}` : ''})`;
    for (const line of sealedValues(envelope, label, timeZone)) io.out(line);
    return EXIT.valid;
  }
  const signer = await options.describeSigner?.(fingerprint, envelope);
  io.out(
    `${file}: valid — the pages show exactly what the seal says (re-made byte for byte by renderer version ${String(version)})`,
  );
  for (const line of sealedValues(envelope, signer, timeZone)) io.out(line);
  return EXIT.valid;
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The JSON embedded between markers: written as it is (XML-escaped in the XMP block) since renderer 3,
 * as base64 before. A JSON text starts with "{", which base64 never does.
 */
export function decodeEmbeddedJson(embedded: string): unknown {
  const text = embedded.trim();
  try {
    if (!text.startsWith('{')) return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    const unescaped = text.replace(
      /&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi,
      (entity, hex?: string, dec?: string, name?: string) =>
        hex !== undefined
          ? String.fromCodePoint(parseInt(hex, 16))
          : dec !== undefined
            ? String.fromCodePoint(Number(dec))
            : (XML_ENTITIES[(name ?? '').toLowerCase()] ?? entity),
    );
    const parsed: unknown = JSON.parse(unescaped);
    return parsed;
  } catch {
    return undefined;
  }
}

type RecordRead = { kind: 'absent' } | { kind: 'damaged' } | { kind: 'found'; value: RendererRecord };

function readRendererRecord(pdf: Uint8Array): RecordRead {
  const embedded = findBetweenMarkers(pdf, RENDERER_BEGIN, RENDERER_END);
  if (embedded === undefined) return { kind: 'absent' };
  const parsed = rendererRecordSchema.safeParse(decodeEmbeddedJson(embedded));
  return parsed.success ? { kind: 'found', value: parsed.data } : { kind: 'damaged' };
}

/** The sealed images, found in the PDF by their sealed SHA-256: a missing one is a swapped image. */
function imagesOfSeal(
  envelope: SealedEnvelope,
  pdf: Uint8Array,
): { byId: Map<string, Uint8Array>; findings: { what: string; message: string }[] } {
  const byHash = new Map(jpegImages(pdf).map((image) => [image.sha256, image.bytes]));
  const byId = new Map<string, Uint8Array>();
  const findings: { what: string; message: string }[] = [];
  for (const blob of envelope.payload.blobs) {
    const bytes = byHash.get(blob.sha256);
    if (bytes) byId.set(blob.id, bytes);
    else
      findings.push({
        what: blob.kind,
        message: `${blob.kind === 'photo' ? `photo of unit ${blob.unitId ?? '?'}` : `${blob.role ?? ''} signature`} is not the sealed image`,
      });
  }
  return { byId, findings };
}

type FontsFound =
  { ok: true; value: { subset: SheetFont; fallback?: SheetFont } } | { ok: false; missing: FontIdentity };

/** The recorded fonts, found by hash among the fonts this machine has; the recorded names are used as written. */
async function findRecordedFonts(record: RendererRecord, extraFiles: readonly string[]): Promise<FontsFound> {
  const candidates = [SUBSET_FONT_PATH, DEFAULT_FALLBACK_FONT, SYSTEM_FALLBACK_FONT, ...extraFiles];
  const wanted = [record.fonts.subset, record.fonts.fallback].filter((f) => f !== undefined);
  const found = new Map<string, Uint8Array>();
  for (const path of candidates) {
    if (wanted.every((f) => found.has(f.sha256))) break;
    if (!existsSync(path)) continue;
    let bytes: Uint8Array;
    try {
      // jsPDF was given the single font extracted from a collection, so that is what was hashed.
      bytes = await readFontFile(path);
    } catch {
      continue;
    }
    found.set(fontIdentity({ name: path, bytes }).sha256, bytes);
  }
  const load = (identity: FontIdentity): SheetFont | undefined => {
    const bytes = found.get(identity.sha256);
    return bytes ? { name: identity.name, bytes } : undefined;
  };
  const subset = load(record.fonts.subset);
  if (!subset) return { ok: false, missing: record.fonts.subset };
  if (!record.fonts.fallback) return { ok: true, value: { subset } };
  const fallback = load(record.fonts.fallback);
  if (!fallback) return { ok: false, missing: record.fonts.fallback };
  return { ok: true, value: { subset, fallback } };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.compare(a, b) === 0;

/** Undefined when the file is the re-made sheet exactly; otherwise what differs, for the reader. */
function compareWithRemade(expected: Uint8Array, actual: Uint8Array): string | undefined {
  if (sameBytes(expected, actual)) return undefined;
  const pages = differingPages(expected, actual);
  if (actual.length > expected.length && sameBytes(expected, actual.subarray(0, expected.length))) {
    const extra = actual.length - expected.length;
    return `appended: the PDF was changed after it was made (${String(extra)} bytes appended after the sheet${pages ? `; a PDF reader shows them: ${pages}` : ''})`;
  }
  return `pages: the pages do not show what the seal says (${pages ?? 'the page drawing is the same, but the fonts, images or document data differ'})`;
}

/** "page 2 of 3 differs", "pages 1, 3 of 3 differ", or undefined when every page draws the same. */
function differingPages(expected: Uint8Array, actual: Uint8Array): string | undefined {
  const want = pageContents(expected);
  const have = pageContents(actual);
  if (want.length !== have.length)
    return `the sheet has ${String(have.length)} page(s) where the seal's has ${String(want.length)}`;
  const differ = want.flatMap((page, i) => (sameBytes(page, have[i] ?? new Uint8Array()) ? [] : [i + 1]));
  if (differ.length === 0) return undefined;
  return differ.length === 1
    ? `page ${String(differ[0])} of ${String(want.length)} differs`
    : `pages ${differ.join(', ')} of ${String(want.length)} differ`;
}
