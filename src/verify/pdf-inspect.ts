import { createHash } from 'node:crypto';
import { constants, inflateSync } from 'node:zlib';

/**
 * Reads back what the renderer embedded (seal envelope, renderer record, JPEG photos, page content)
 * straight from PDF bytes, so `ducha verify` can re-make the sheet and say where a file differs. This is
 * a tolerant scanner, not a PDF parser: it does not follow the xref table or object streams, because
 * jsPDF writes neither and a scanner keeps working on files whose xref offsets were damaged.
 */

export interface PdfStream {
  readonly objectNumber: number;
  readonly dictionary: string;
  readonly data: Uint8Array;
}

interface ScannedStream extends PdfStream {
  /** Filters still applied to `data`: only a leading run of Flate layers is ever undone. */
  readonly pendingFilters: readonly string[];
}

// PDF whitespace includes NUL, which JavaScript's \s does not.
const WS = '[\\0\\t\\n\\f\\r ]';
const OBJECT_HEADER = new RegExp(`(?<![0-9])(\\d+)${WS}+(\\d+)${WS}+obj(?![A-Za-z0-9])`, 'g');
const LENGTH_ENTRY = new RegExp(`/Length${WS}+(\\d+)(?:${WS}+(\\d+)${WS}+R(?![A-Za-z0-9]))?`);
const FILTER_ENTRY = new RegExp(`/Filter${WS}*(\\[[^\\]]*\\]|/[^\\0\\t\\n\\f\\r /\\[\\]<>()]+)`);
const IMAGE_SUBTYPE = new RegExp(`/Subtype${WS}*/Image(?![A-Za-z0-9])`);

// Abbreviated names are only legal in inline images, but accepting them costs nothing.
const FLATE = new Set(['FlateDecode', 'Fl']);
const DCT = new Set(['DCTDecode', 'DCT']);

export function isPdf(bytes: Uint8Array): boolean {
  const magic = '%PDF-';
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i += 1) {
    if (bytes[i] !== magic.charCodeAt(i)) return false;
  }
  return true;
}

export function readStreams(pdf: Uint8Array): PdfStream[] {
  return scanStreams(pdf).map(({ objectNumber, dictionary, data }) => ({ objectNumber, dictionary, data }));
}

export function jpegImageHashes(pdf: Uint8Array): string[] {
  return jpegImages(pdf).map((image) => image.sha256);
}

/** Every embedded JPEG file with its SHA-256, in file order. */
export function jpegImages(pdf: Uint8Array): { sha256: string; bytes: Uint8Array }[] {
  const images: { sha256: string; bytes: Uint8Array }[] = [];
  for (const stream of scanStreams(pdf)) {
    if (!IMAGE_SUBTYPE.test(stream.dictionary)) continue;
    // Anything other than exactly DCT left over (a Flate layer that failed to inflate, ASCII85, …)
    // means `data` is not the JPEG file, and hashing it would only produce a misleading mismatch.
    const [only, ...rest] = stream.pendingFilters;
    if (only === undefined || rest.length > 0 || !DCT.has(only)) continue;
    images.push({ sha256: createHash('sha256').update(stream.data).digest('hex'), bytes: stream.data });
  }
  return images;
}

/**
 * Each page's content (its content streams inflated and joined), in page-tree order. Later definitions
 * of an object win, as in a reader applying incremental updates, so an appended page edit shows here.
 */
export function pageContents(pdf: Uint8Array): Uint8Array[] {
  const text = latin1(pdf);
  const dictionaries = new Map<number, string>();
  let catalog: string | undefined;
  const header = new RegExp(OBJECT_HEADER.source, 'g');
  let match: RegExpExecArray | null;
  while ((match = header.exec(text)) !== null) {
    const dictStart = skipWhitespace(text, header.lastIndex);
    if (!text.startsWith('<<', dictStart)) continue;
    const dictEnd = endOfDictionary(text, dictStart);
    if (dictEnd < 0) continue;
    const dictionary = text.slice(dictStart, dictEnd);
    dictionaries.set(Number(match[1]), dictionary);
    if (isOfType(dictionary, 'Catalog')) catalog = dictionary;
    // Binary stream data must not be read as object headers.
    if (text.startsWith('stream', skipWhitespace(text, dictEnd))) {
      const end = text.indexOf('endstream', dictEnd);
      if (end > 0) header.lastIndex = end;
    }
  }
  const streams = new Map(scanStreams(pdf).map((s) => [s.objectNumber, s.data]));
  const pages: Uint8Array[] = [];
  const seen = new Set<number>();
  const visit = (objectNumber: number) => {
    // A page tree that loops back on itself is damage, not pages.
    if (seen.has(objectNumber)) return;
    seen.add(objectNumber);
    const dictionary = dictionaries.get(objectNumber);
    if (dictionary === undefined) return;
    if (isOfType(dictionary, 'Pages')) {
      for (const kid of references(KIDS_ENTRY.exec(dictionary)?.[1] ?? '')) visit(kid);
      return;
    }
    const contents = references(CONTENTS_ENTRY.exec(dictionary)?.[1] ?? '');
    pages.push(concat(contents.map((n) => streams.get(n) ?? new Uint8Array())));
  };
  const root = catalog === undefined ? undefined : PAGES_ENTRY.exec(catalog)?.[1];
  if (root !== undefined) visit(Number(root));
  return pages;
}

const REFERENCE = `\\d+${WS}+\\d+${WS}+R(?![A-Za-z0-9])`;
const KIDS_ENTRY = new RegExp(`/Kids${WS}*\\[([^\\]]*)\\]`);
const CONTENTS_ENTRY = new RegExp(`/Contents${WS}*(\\[[^\\]]*\\]|${REFERENCE})`);
const PAGES_ENTRY = new RegExp(`/Pages${WS}+(\\d+)${WS}+\\d+${WS}+R`);

const isOfType = (dictionary: string, type: string): boolean =>
  new RegExp(`/Type${WS}*/${type}(?![A-Za-z0-9])`).test(dictionary);

const references = (value: string): number[] =>
  Array.from(value.matchAll(new RegExp(`(\\d+)${WS}+\\d+${WS}+R(?![A-Za-z0-9])`, 'g')), (m) => Number(m[1]));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function findBetweenMarkers(pdf: Uint8Array, begin: string, end: string): string | undefined {
  const pattern = markerPattern(begin, end);
  for (const stream of scanStreams(pdf)) {
    const found = matchBetween(stream.data, pattern);
    if (found !== undefined) return found;
  }
  // Covers text outside streams (e.g. an Info dictionary string) and streams the scanner could not delimit.
  return matchBetween(pdf, pattern);
}

/**
 * Markers are matched as their UTF-8 bytes, each byte allowed to be followed by line breaks, because
 * XMP writers and PDF string writers may wrap long lines anywhere, markers included.
 */
function markerPattern(begin: string, end: string): RegExp {
  const flexible = (marker: string): string =>
    Array.from(latin1(utf8Bytes(marker)), (ch) => escapeRegExp(ch)).join('[\\r\\n]*');
  return new RegExp(`${flexible(begin)}([\\s\\S]*?)${flexible(end)}`);
}

function matchBetween(bytes: Uint8Array, pattern: RegExp): string | undefined {
  const text = latin1(bytes);
  const match = pattern.exec(text);
  const inner = match?.[1];
  if (match === null || inner === undefined) return undefined;
  // latin1 maps bytes 1:1 to UTF-16 units, so the slice is exactly the payload's bytes.
  const payload = new TextDecoder('utf-8').decode(utf8FromLatin1(inner));
  // A wrap may come with a PDF line-continuation backslash before it and indentation after it.
  return payload.replace(/\\?(?:\r\n|\r|\n)[ \t]*/g, '');
}

function scanStreams(pdf: Uint8Array): ScannedStream[] {
  const text = latin1(pdf);
  const streams: ScannedStream[] = [];
  let indirectIntegers: Map<string, number> | undefined;
  const resolveInteger = (objectNumber: number, generation: number): number | undefined => {
    indirectIntegers ??= collectIntegerObjects(text);
    return indirectIntegers.get(`${objectNumber} ${generation}`);
  };

  const header = new RegExp(OBJECT_HEADER.source, 'g');
  let match: RegExpExecArray | null;
  while ((match = header.exec(text)) !== null) {
    const objectNumber = Number(match[1]);
    const dictStart = skipWhitespace(text, header.lastIndex);
    if (!text.startsWith('<<', dictStart)) continue;
    const dictEnd = endOfDictionary(text, dictStart);
    if (dictEnd < 0) continue;
    const dictionary = text.slice(dictStart, dictEnd);

    const keyword = skipWhitespace(text, dictEnd);
    if (!text.startsWith('stream', keyword)) continue;
    let dataStart = keyword + 'stream'.length;
    if (text.startsWith('\r\n', dataStart)) dataStart += 2;
    else if (text[dataStart] === '\n' || text[dataStart] === '\r') dataStart += 1;

    const extent = streamExtent(text, dataStart, declaredLength(dictionary, resolveInteger));
    if (extent === undefined) continue;
    // Resuming after endstream keeps binary stream bytes from being mistaken for object headers.
    header.lastIndex = extent.resumeAt;

    const filters = filterNames(dictionary);
    let data: Uint8Array = pdf.slice(dataStart, extent.dataEnd);
    let applied = 0;
    for (const filter of filters) {
      if (!FLATE.has(filter)) break;
      const inflated = inflateTolerant(data);
      if (inflated === undefined) break;
      data = inflated;
      applied += 1;
    }
    streams.push({ objectNumber, dictionary, data, pendingFilters: filters.slice(applied) });
  }
  return streams;
}

type ResolveInteger = (objectNumber: number, generation: number) => number | undefined;

function declaredLength(dictionary: string, resolveInteger: ResolveInteger): number | undefined {
  const match = LENGTH_ENTRY.exec(dictionary);
  if (match === null) return undefined;
  const value = Number(match[1]);
  return match[2] === undefined ? value : resolveInteger(value, Number(match[2]));
}

/** Objects of the form `N G obj 123 endobj`, which is how writers store a /Length known only afterwards. */
function collectIntegerObjects(text: string): Map<string, number> {
  const found = new Map<string, number>();
  const pattern = new RegExp(
    `(?<![0-9])(\\d+)${WS}+(\\d+)${WS}+obj${WS}*(\\d+)${WS}*endobj(?![A-Za-z0-9])`,
    'g',
  );
  // Later definitions win, as with incremental updates.
  for (const m of text.matchAll(pattern)) found.set(`${m[1] ?? ''} ${m[2] ?? ''}`, Number(m[3]));
  return found;
}

function streamExtent(
  text: string,
  dataStart: number,
  length: number | undefined,
): { dataEnd: number; resumeAt: number } | undefined {
  if (length !== undefined && dataStart + length <= text.length) {
    const keyword = skipWhitespace(text, dataStart + length);
    if (text.startsWith('endstream', keyword)) {
      return { dataEnd: dataStart + length, resumeAt: keyword + 'endstream'.length };
    }
  }
  // A wrong or unresolvable /Length (hand-edited or truncated files) should not hide the stream.
  const keyword = text.indexOf('endstream', dataStart);
  if (keyword < 0) return undefined;
  let dataEnd = keyword;
  if (text.startsWith('\r\n', dataEnd - 2)) dataEnd -= 2;
  else if (text[dataEnd - 1] === '\n' || text[dataEnd - 1] === '\r') dataEnd -= 1;
  return { dataEnd: Math.max(dataStart, dataEnd), resumeAt: keyword + 'endstream'.length };
}

function filterNames(dictionary: string): string[] {
  const value = FILTER_ENTRY.exec(dictionary)?.[1];
  if (value === undefined) return [];
  return Array.from(value.matchAll(/\/([^\0\t\n\f\r /[\]<>()]+)/g), (m) => m[1] ?? '').filter(
    (name) => name !== '',
  );
}

function inflateTolerant(data: Uint8Array): Uint8Array | undefined {
  try {
    return toPlainBytes(inflateSync(data));
  } catch {
    // Truncated or slightly damaged streams still yield their intact prefix this way.
    try {
      return toPlainBytes(inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH }));
    } catch {
      return undefined;
    }
  }
}

function toPlainBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Index just past the `>>` that closes the dictionary opened at `start`, or -1. */
function endOfDictionary(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '<' && next === '<') {
      depth += 1;
      i += 2;
    } else if (ch === '>' && next === '>') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else if (ch === '<') {
      const close = text.indexOf('>', i + 1);
      if (close < 0) return -1;
      i = close + 1;
    } else if (ch === '(') {
      i = endOfLiteralString(text, i);
      if (i < 0) return -1;
    } else if (ch === '%') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i += 1;
    } else {
      i += 1;
    }
  }
  return -1;
}

/** Index just past the `)` closing the literal string opened at `start`; strings nest and escape. */
function endOfLiteralString(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\') i += 1;
    else if (ch === '(') depth += 1;
    else if (ch === ')') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && '\0\t\n\f\r '.includes(text[i] ?? 'x')) i += 1;
  return i;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function utf8FromLatin1(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
