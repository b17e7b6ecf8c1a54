// Which characters a TrueType/OpenType font can draw, read straight from its `cmap` table.
// jsPDF silently drops characters its embedded font lacks (rare name characters such as 燊 堃 vanish from a
// signed score sheet), so the report checks text against this set before rendering.
// Pure TS with no Node or DOM APIs: the same check runs in the browser export and in the CLI.

/** Bounds-checked big-endian reads, so truncated or foreign data gives a clear error instead of a RangeError. */
class FontReader {
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  private check(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.bytes.byteLength) {
      throw new Error(
        `Font data is truncated or corrupt: read of ${size} bytes at offset ${offset} is outside the ${this.bytes.byteLength}-byte font.`,
      );
    }
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.view.getUint16(offset);
  }

  i16(offset: number): number {
    this.check(offset, 2);
    return this.view.getInt16(offset);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.view.getUint32(offset);
  }

  tag(offset: number): string {
    this.check(offset, 4);
    return String.fromCharCode(
      this.view.getUint8(offset),
      this.view.getUint8(offset + 1),
      this.view.getUint8(offset + 2),
      this.view.getUint8(offset + 3),
    );
  }
}

const SFNT_TRUETYPE = 0x00010000;
const SFNT_TAGS = new Set(['OTTO', 'true', 'typ1']);
const MAX_CODE_POINT = 0x10ffff;

function findTable(reader: FontReader, wanted: string): number {
  if (reader.length < 12) {
    throw new Error(`Not a TrueType/OpenType font: only ${reader.length} bytes.`);
  }
  const version = reader.u32(0);
  const versionTag = reader.tag(0);
  if (versionTag === 'ttcf') {
    throw new Error('Font collections (.ttc) are not supported: extract a single .ttf first.');
  }
  if (versionTag === 'wOFF' || versionTag === 'wOF2') {
    throw new Error('WOFF/WOFF2 fonts are not supported: convert to TrueType (.ttf) first.');
  }
  if (version !== SFNT_TRUETYPE && !SFNT_TAGS.has(versionTag)) {
    throw new Error(
      `Not a TrueType/OpenType font: unknown sfnt version 0x${version.toString(16).padStart(8, '0')}.`,
    );
  }
  const numTables = reader.u16(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    if (reader.tag(record) === wanted) {
      return reader.u32(record + 8);
    }
  }
  throw new Error(`Not a usable font: it has no '${wanted}' table.`);
}

/** Lower is better: full-repertoire Unicode (3/10) beats BMP-only (3/1), which beats Unicode-platform tables. */
function encodingRank(platformId: number, encodingId: number): number | undefined {
  if (platformId === 3 && encodingId === 10) return 0;
  if (platformId === 3 && encodingId === 1) return 1;
  // Among platform 0 encodings, the higher ids cover the larger repertoires (4 and 6 go beyond the BMP).
  if (platformId === 0) return 10 - Math.min(encodingId, 6);
  return undefined;
}

function readFormat4(reader: FontReader, start: number, out: Set<number>): void {
  const segCount = reader.u16(start + 6) / 2;
  const endCodes = start + 14;
  const startCodes = endCodes + segCount * 2 + 2;
  const idDeltas = startCodes + segCount * 2;
  const idRangeOffsets = idDeltas + segCount * 2;
  for (let seg = 0; seg < segCount; seg++) {
    const end = reader.u16(endCodes + seg * 2);
    const first = reader.u16(startCodes + seg * 2);
    const delta = reader.i16(idDeltas + seg * 2);
    const rangeOffsetAt = idRangeOffsets + seg * 2;
    const rangeOffset = reader.u16(rangeOffsetAt);
    for (let code = first; code <= end; code++) {
      // 0xFFFF only terminates the segment list; it is never a real character mapping.
      if (code === 0xffff) break;
      let glyph: number;
      if (rangeOffset === 0) {
        glyph = (code + delta) & 0xffff;
      } else {
        // idRangeOffset is relative to its own position in the array: that is how format 4 reaches glyphIdArray.
        const raw = reader.u16(rangeOffsetAt + rangeOffset + (code - first) * 2);
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) out.add(code);
    }
  }
}

function readFormat12(reader: FontReader, start: number, out: Set<number>): void {
  const numGroups = reader.u32(start + 12);
  for (let g = 0; g < numGroups; g++) {
    const group = start + 16 + g * 12;
    const first = reader.u32(group);
    const end = Math.min(reader.u32(group + 4), MAX_CODE_POINT);
    const startGlyph = reader.u32(group + 8);
    for (let code = first; code <= end; code++) {
      if (startGlyph + (code - first) !== 0) out.add(code);
    }
  }
}

/**
 * Every code point the font maps to a real glyph (glyph 0 is .notdef, which jsPDF would draw as nothing).
 * Reads cmap subtable formats 4 and 12, preferring Windows full Unicode (3/10), then Windows BMP (3/1),
 * then the Unicode platform (0/*). Throws for data that is not a TrueType/OpenType font.
 */
export function readCmapCoverage(ttf: Uint8Array): ReadonlySet<number> {
  const reader = new FontReader(ttf);
  const cmap = findTable(reader, 'cmap');
  const numSubtables = reader.u16(cmap + 2);

  let best: { rank: number; offset: number; format: 4 | 12 } | undefined;
  for (let i = 0; i < numSubtables; i++) {
    const record = cmap + 4 + i * 8;
    const rank = encodingRank(reader.u16(record), reader.u16(record + 2));
    if (rank === undefined) continue;
    const offset = cmap + reader.u32(record + 4);
    const format = reader.u16(offset);
    if (format !== 4 && format !== 12) continue;
    // At equal rank, format 12 wins: a font may carry both and only 12 reaches beyond the BMP.
    if (
      best === undefined ||
      rank < best.rank ||
      (rank === best.rank && format === 12 && best.format === 4)
    ) {
      best = { rank, offset, format };
    }
  }
  if (best === undefined) {
    throw new Error(
      'Font has no Unicode cmap subtable in format 4 or 12 (looked for platform/encoding 3/10, 3/1 and 0/*).',
    );
  }

  const coverage = new Set<number>();
  if (best.format === 4) readFormat4(reader, best.offset, coverage);
  else readFormat12(reader, best.offset, coverage);
  return coverage;
}

// Whitespace and invisible controls are never drawn as glyphs, so a font lacking them loses nothing.
const INVISIBLE = /^[\s\p{Cc}\p{Cf}]$/u;

/** Distinct characters of `text` (first-seen order) that the font cannot draw, ignoring whitespace and controls. */
export function missingCharacters(text: string, coverage: ReadonlySet<number>): string[] {
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const char of text) {
    if (seen.has(char)) continue;
    seen.add(char);
    if (INVISIBLE.test(char)) continue;
    const codePoint = char.codePointAt(0);
    if (codePoint === undefined || !coverage.has(codePoint)) missing.push(char);
  }
  return missing;
}
