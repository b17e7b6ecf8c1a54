// The font program a score sheet embeds: only the glyphs the sheet draws, in far less than jsPDF's own
// subset. jsPDF copies the whole cmap, hmtx and post tables into every PDF (post alone is 540 KB in WenQuanYi
// Micro Hei) and builds the glyf table by concatenating plain arrays, which took most of a sheet's time.
// Pure TS with no Node or DOM APIs: the browser and the CLI embed the same bytes.

/** Where each table of a TrueType font lies, and what the subset needs to rebuild glyf, loca and hmtx. */
export interface TrueTypeIndex {
  readonly bytes: Uint8Array;
  readonly tables: ReadonlyMap<string, { readonly offset: number; readonly length: number }>;
  readonly numGlyphs: number;
  readonly numberOfHMetrics: number;
  /** numGlyphs + 1 offsets into glyf. */
  readonly loca: Uint32Array;
}

/**
 * The tables a PDF viewer needs to draw a TrueType font used as a CIDFontType2 with /CIDToGIDMap
 * /Identity (ISO 32000-1, 9.9): glyf, head, hhea, hmtx, loca, maxp, and the hinting programs the glyphs'
 * instructions call. cmap is left out: the content stream names glyphs by id, and text extraction reads
 * the ToUnicode map. name keeps the font's copyright and licence records; OS/2 and post are small.
 */
const KEPT_TABLES = [
  'OS/2',
  'cvt ',
  'fpgm',
  'glyf',
  'head',
  'hhea',
  'hmtx',
  'loca',
  'maxp',
  'name',
  'post',
  'prep',
];
const REQUIRED_TABLES = ['glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp'];

class Bounds {
  constructor(private readonly length: number) {}
  check(offset: number, size: number, what: string): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.length)
      throw new Error(
        `font data is truncated or corrupt: ${what} lies outside the ${String(this.length)}-byte font`,
      );
  }
}

export function indexTrueType(bytes: Uint8Array): TrueTypeIndex {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bounds = new Bounds(bytes.byteLength);
  bounds.check(0, 12, 'the table directory');
  if (view.getUint32(0) !== 0x00010000 && view.getUint32(0) !== 0x74727565)
    throw new Error('not a TrueType font with glyf outlines');
  const numTables = view.getUint16(4);
  bounds.check(12, numTables * 16, 'the table directory');
  const tables = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < numTables; i++) {
    const record = 12 + i * 16;
    const tag = String.fromCharCode(...bytes.subarray(record, record + 4));
    const offset = view.getUint32(record + 8);
    const length = view.getUint32(record + 12);
    bounds.check(offset, length, `table '${tag}'`);
    tables.set(tag, { offset, length });
  }
  for (const tag of REQUIRED_TABLES)
    if (!tables.has(tag)) throw new Error(`not a usable TrueType font: it has no '${tag}' table`);
  const table = (tag: string) => tables.get(tag) ?? { offset: 0, length: 0 };
  const head = table('head');
  bounds.check(head.offset, 54, "table 'head'");
  const isLongLoca = view.getInt16(head.offset + 50) === 1;
  const maxp = table('maxp');
  bounds.check(maxp.offset, 6, "table 'maxp'");
  const numGlyphs = view.getUint16(maxp.offset + 4);
  const hhea = table('hhea');
  bounds.check(hhea.offset, 36, "table 'hhea'");
  const numberOfHMetrics = view.getUint16(hhea.offset + 34);
  if (numberOfHMetrics < 1 || numberOfHMetrics > numGlyphs)
    throw new Error(
      `font data is corrupt: ${String(numberOfHMetrics)} horizontal metrics for ${String(numGlyphs)} glyphs`,
    );
  const hmtx = table('hmtx');
  bounds.check(hmtx.offset, numberOfHMetrics * 4 + (numGlyphs - numberOfHMetrics) * 2, "table 'hmtx'");
  const locaTable = table('loca');
  const glyf = table('glyf');
  bounds.check(locaTable.offset, (numGlyphs + 1) * (isLongLoca ? 4 : 2), "table 'loca'");
  const loca = new Uint32Array(numGlyphs + 1);
  for (let g = 0; g <= numGlyphs; g++) {
    loca[g] = isLongLoca
      ? view.getUint32(locaTable.offset + g * 4)
      : view.getUint16(locaTable.offset + g * 2) * 2;
    if ((loca[g] ?? 0) > glyf.length)
      throw new Error(`font data is corrupt: glyph ${String(g)} lies outside glyf`);
  }
  return { bytes, tables, numGlyphs, numberOfHMetrics, loca };
}

/** Where each component's glyph index lies in a composite glyph (offsets from the glyph's start). */
function componentOffsets(glyph: Uint8Array): number[] {
  const view = new DataView(glyph.buffer, glyph.byteOffset, glyph.byteLength);
  if (glyph.length < 10 || view.getInt16(0) >= 0) return [];
  const offsets: number[] = [];
  // Flags, glyph index, arguments and a transform for each component.
  for (let at = 10; at + 4 <= glyph.length;) {
    const flags = view.getUint16(at);
    offsets.push(at + 2);
    at += 4 + (flags & 0x0001 ? 4 : 2) + (flags & 0x0080 ? 8 : flags & 0x0040 ? 4 : flags & 0x0008 ? 2 : 0);
    if (!(flags & 0x0020)) break;
  }
  return offsets;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function checksum(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let sum = 0;
  const whole = data.byteLength & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  if (whole < data.byteLength) {
    let last = 0;
    for (let i = whole; i < whole + 4; i++) last = (last << 8) | (data[i] ?? 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

/**
 * A TrueType font with the glyph ids of `index` but only the outlines of `glyphIds` (and of the glyphs
 * composites among them are built from, and .notdef): every other glyph is empty and its metrics zero.
 * The ids stay the font's own, so a page's text reads the same whatever the other pages draw (`ducha
 * verify` names the pages that differ). Deterministic: the same glyphs give the same bytes.
 */
export function subsetTrueType(index: TrueTypeIndex, glyphIds: Iterable<number>): Uint8Array {
  const { bytes, tables, numGlyphs, numberOfHMetrics, loca } = index;
  const raw = (tag: string): Uint8Array => {
    const table = tables.get(tag);
    return table ? bytes.subarray(table.offset, table.offset + table.length) : new Uint8Array();
  };
  const glyfSource = raw('glyf');
  const outline = (id: number) => glyfSource.subarray(loca[id] ?? 0, loca[id + 1] ?? 0);

  const used = new Set<number>();
  const pending = [0, ...glyphIds];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (!Number.isInteger(id) || id < 0 || id >= numGlyphs)
      throw new Error(`the font has no glyph ${String(id)}`);
    if (used.has(id)) continue;
    used.add(id);
    // Composites name their components by glyph id: those are kept too.
    const data = outline(id);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (const at of componentOffsets(data)) pending.push(view.getUint16(at));
  }

  // Short loca offsets (half the bytes) count words, so every glyph starts at an even offset; they
  // reach 128 KB of outlines, more than most sheets draw. Past that, long offsets, unaligned.
  const evenLength = [...used].reduce((sum, id) => sum + ((outline(id).length + 1) & ~1), 0);
  const isShort = evenLength <= 0x1fffe;
  const step = (length: number) => (isShort ? (length + 1) & ~1 : length);
  const glyf = new Uint8Array(
    isShort ? evenLength : [...used].reduce((sum, id) => sum + outline(id).length, 0),
  );
  const newLoca = new Uint8Array((numGlyphs + 1) * (isShort ? 2 : 4));
  const locaView = new DataView(newLoca.buffer);
  const setOffset = (id: number, offset: number) => {
    if (isShort) locaView.setUint16(id * 2, offset / 2);
    else locaView.setUint32(id * 4, offset);
  };
  let at = 0;
  for (let id = 0; id < numGlyphs; id++) {
    setOffset(id, at);
    if (!used.has(id)) continue;
    glyf.set(outline(id), at);
    at += step(outline(id).length);
  }
  setOffset(numGlyphs, at);

  const hmtxSource = raw('hmtx');
  const hmtx = new Uint8Array(hmtxSource.length);
  for (const id of used) {
    const [from, size] =
      id < numberOfHMetrics ? [id * 4, 4] : [numberOfHMetrics * 4 + (id - numberOfHMetrics) * 2, 2];
    hmtx.set(hmtxSource.subarray(from, from + size), from);
  }

  const head = Uint8Array.from(raw('head'));
  const headView = new DataView(head.buffer);
  headView.setUint32(8, 0); // checkSumAdjustment, set once the whole font is summed
  headView.setInt16(50, isShort ? 0 : 1); // indexToLocFormat

  const built = new Map<string, Uint8Array>([
    ['glyf', glyf],
    ['loca', newLoca],
    ['hmtx', hmtx],
    ['head', head],
  ]);
  const post = raw('post');
  if (post.length >= 32) {
    // Format 3: the same metrics without glyph names (most of WenQuanYi's 540 KB post table).
    const names = Uint8Array.from(post.subarray(0, 32));
    new DataView(names.buffer).setUint32(0, 0x00030000);
    built.set('post', names);
  }
  const kept = KEPT_TABLES.flatMap((tag): [string, Uint8Array][] => {
    const data = built.get(tag) ?? (tag === 'post' || !tables.has(tag) ? undefined : raw(tag));
    return data ? [[tag, data]] : [];
  });

  const numTables = kept.length;
  const power = 2 ** Math.floor(Math.log2(numTables));
  const headerLength = 12 + numTables * 16;
  const total = kept.reduce((sum, [, data]) => sum + pad4(data.length), headerLength);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00010000);
  view.setUint16(4, numTables);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, numTables * 16 - power * 16);
  let offset = headerLength;
  let headOffset = 0;
  kept.forEach(([tag, data], i) => {
    const record = 12 + i * 16;
    for (let c = 0; c < 4; c++) out[record + c] = tag.charCodeAt(c);
    view.setUint32(record + 4, checksum(data));
    view.setUint32(record + 8, offset);
    view.setUint32(record + 12, data.length);
    out.set(data, offset);
    if (tag === 'head') headOffset = offset;
    offset += pad4(data.length);
  });
  view.setUint32(headOffset + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
