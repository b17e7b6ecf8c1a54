import { existsSync } from 'node:fs';
import { verifyEnvelope, type SealedEnvelope } from '../domain/index';
import { nodeVerifier } from '../crypto/node-verifier';
import type { SheetFont } from '../report/font-choice';
import { isTimeZone } from '../report/csv';
import { renderSealedSheet } from '../report/sealed-sheet';
import { SEAL_BEGIN, SEAL_END } from '../report/sheet-document';
import { DEFAULT_SHEET_TIME_ZONE } from '../report/sheet-time';
import {
  fontIdentity,
  JSPDF_VERSION,
  RENDERER_BEGIN,
  RENDERER_END,
  REPRODUCIBLE_RENDERER_VERSIONS,
  rendererRecordSchema,
  type FontIdentity,
  type RendererRecord,
} from '../report/sheet-record';
import { findBetweenMarkers, isPdf, jpegImages, pageContents } from './pdf-inspect';
import { DEFAULT_FALLBACK_FONT, readFontFile, SUBSET_FONT_PATH, SYSTEM_FALLBACK_FONT } from './sheet-fonts';

/**
 * Whether a PDF is exactly the sheet its embedded seal makes: the one check behind `ducha verify` and the
 * server's verification page, so a person and a script are told the same thing about the same file.
 * Who signed is a separate question (signer-status.ts): this proves only what the pages show.
 */
export type SheetCheck =
  | { readonly kind: 'unsigned'; readonly message: string }
  | {
      readonly kind: 'tampered';
      /** One line: what kind of change (seal, photo, pages, appended…). */
      readonly message: string;
      /** Each finding on its own line, when there are several. */
      readonly findings: readonly { readonly what: string; readonly message: string }[];
      /** The seal, when it could be read: what the sheet claims to be. */
      readonly envelope?: SealedEnvelope;
    }
  | { readonly kind: 'cannot-check'; readonly message: string; readonly envelope?: SealedEnvelope }
  | {
      readonly kind: 'intact';
      readonly envelope: SealedEnvelope;
      readonly rendererVersion: number;
      /** The zone the sheet prints its times in (Asia/Shanghai for renderer 2, which did not say). */
      readonly timeZone: string;
      readonly publicUrl?: string;
    };

export interface CheckOptions {
  /** More font files (TTF or TTC) to look for the recorded fonts in, besides the bundled subset and wqy. */
  readonly fontFiles?: readonly string[];
}

export const REMAKE_HINT =
  're-make the sheet from the audit export with `ducha pdf --audit <export> --out sheet.pdf`';

export async function checkSheet(pdf: Uint8Array, options: CheckOptions = {}): Promise<SheetCheck> {
  if (!isPdf(pdf)) return { kind: 'unsigned', message: 'not a PDF' };
  const embedded = findBetweenMarkers(pdf, SEAL_BEGIN, SEAL_END);
  if (embedded === undefined)
    return { kind: 'unsigned', message: 'no Ducha seal is embedded (a draft or 未签章 sheet)' };
  const json = decodeEmbeddedJson(embedded);
  if (json === undefined) return tampered('seal: the embedded seal cannot be read');
  const check = await verifyEnvelope(json, nodeVerifier);
  if (check.status === 'malformed')
    return tampered(
      `seal: the embedded seal is malformed (${check.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})`,
    );
  const { envelope } = check;
  const images = imagesOfSeal(envelope, pdf);
  const findings = [...(check.status === 'tampered' ? check.findings : []), ...images.findings];
  if (findings.length > 0)
    return { kind: 'tampered', message: [...new Set(findings.map((f) => f.what))].join(', '), findings, envelope };

  const cannot = (message: string): SheetCheck => ({ kind: 'cannot-check', message, envelope });
  const record = readRendererRecord(pdf);
  if (record.kind === 'absent')
    return cannot(
      `made before renderer versions were recorded, so its pages cannot be re-made and compared; ${REMAKE_HINT}`,
    );
  if (record.kind === 'damaged') return tampered('the renderer record embedded beside the seal is damaged', envelope);
  const { version, jspdf } = record.value;
  if (!REPRODUCIBLE_RENDERER_VERSIONS.includes(version))
    return cannot(
      `made by renderer version ${String(version)}; this verifier re-makes version ${REPRODUCIBLE_RENDERER_VERSIONS.join(', ')}; ${REMAKE_HINT}, or use a verifier of that version`,
    );
  if (jspdf !== JSPDF_VERSION)
    return cannot(`made with jsPDF ${jspdf}; this verifier draws with jsPDF ${JSPDF_VERSION}; ${REMAKE_HINT}`);
  const recordedZone = record.value.timeZone;
  if (recordedZone !== undefined && !isTimeZone(recordedZone))
    return cannot(
      `its times are printed in time zone ${recordedZone}, which this machine's time-zone data does not know; ${REMAKE_HINT}`,
    );
  const fonts = await findRecordedFonts(record.value, options.fontFiles ?? []);
  if (!fonts.ok)
    return cannot(
      `font "${fonts.missing.name}" (sha256 ${fonts.missing.sha256}) is not installed here; install it, or ${REMAKE_HINT}`,
    );

  const { publicUrl } = record.value;
  let expected: Uint8Array;
  try {
    expected = renderSealedSheet(
      envelope,
      {
        fonts: fonts.value,
        images: images.byId,
        ...(recordedZone === undefined ? {} : { timeZone: recordedZone }),
        ...(publicUrl === undefined ? {} : { publicUrl }),
      },
      version,
    ).bytes;
  } catch (error) {
    return cannot(
      `re-making the sheet failed (${error instanceof Error ? error.message : String(error)}); ${REMAKE_HINT}`,
    );
  }
  const difference = compareWithRemade(expected, pdf);
  if (difference !== undefined) return tampered(difference, envelope);
  return {
    kind: 'intact',
    envelope,
    rendererVersion: version,
    timeZone: recordedZone ?? DEFAULT_SHEET_TIME_ZONE,
    ...(publicUrl === undefined ? {} : { publicUrl }),
  };
}

function tampered(message: string, envelope?: SealedEnvelope): SheetCheck {
  return { kind: 'tampered', message, findings: [], ...(envelope ? { envelope } : {}) };
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
