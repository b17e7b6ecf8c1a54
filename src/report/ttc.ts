/**
 * Pulls one font out of a TrueType Collection (.ttc) as a standalone .ttf: jsPDF reads only single
 * TrueType fonts, and the fuller CJK fonts on Linux (e.g. WenQuanYi Micro Hei) ship as collections.
 * Plain .ttf/.otf input is returned unchanged.
 */
export function extractFontFromCollection(bytes: Uint8Array, index = 0): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12) throw new Error('not a font: too short');
  if (tag(0) !== 'ttcf') return bytes;
  const numFonts = view.getUint32(8);
  if (index >= numFonts) throw new Error(`the collection has ${numFonts} fonts; there is no font ${index}`);
  const fontOffset = view.getUint32(12 + index * 4);
  const numTables = view.getUint16(fontOffset + 4);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const record = fontOffset + 12 + i * 16;
    return { record, offset: view.getUint32(record + 8), length: view.getUint32(record + 12) };
  });
  const headerLength = 12 + numTables * 16;
  const padded = (n: number) => (n + 3) & ~3;
  const total = tables.reduce((acc, t) => acc + padded(t.length), headerLength);
  const out = new Uint8Array(total);
  const outView = new DataView(out.buffer);
  out.set(bytes.subarray(fontOffset, fontOffset + headerLength), 0);
  let cursor = headerLength;
  tables.forEach((t, i) => {
    if (t.offset + t.length > bytes.length)
      throw new Error('not a font: a table lies outside the collection');
    out.set(bytes.subarray(t.offset, t.offset + t.length), cursor);
    outView.setUint32(12 + i * 16 + 8, cursor);
    cursor += padded(t.length);
  });
  return out;
}
