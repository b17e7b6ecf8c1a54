import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexTrueType, subsetTrueType, type TrueTypeIndex } from './truetype-subset';

const root = join(import.meta.dirname, '..', '..');
const noto = indexTrueType(
  new Uint8Array(readFileSync(join(root, 'public', 'fonts', 'NotoSansSC-Regular-subset.ttf'))),
);
const wqy = indexTrueType(new Uint8Array(readFileSync(join(root, 'public', 'fonts', 'wqy-microhei.ttf'))));

const glyph = (font: TrueTypeIndex, id: number): Uint8Array => {
  const glyf = font.tables.get('glyf')?.offset ?? 0;
  return font.bytes.subarray(glyf + (font.loca[id] ?? 0), glyf + (font.loca[id + 1] ?? 0));
};
const table = (font: TrueTypeIndex, tag: string): Uint8Array => {
  const t = font.tables.get(tag);
  return t ? font.bytes.subarray(t.offset, t.offset + t.length) : new Uint8Array();
};
/** A glyph's hmtx entry: advance and side bearing, or only the side bearing past numberOfHMetrics. */
const metrics = (font: TrueTypeIndex, id: number): number[] => {
  const n = font.numberOfHMetrics;
  const [from, size] = id < n ? [id * 4, 4] : [n * 4 + (id - n) * 2, 2];
  return [...table(font, 'hmtx').subarray(from, from + size)];
};
const sum = (data: Uint8Array): number => {
  const padded = new Uint8Array((data.length + 3) & ~3);
  padded.set(data);
  const view = new DataView(padded.buffer);
  let total = 0;
  for (let i = 0; i < padded.length; i += 4) total = (total + view.getUint32(i)) >>> 0;
  return total;
};
/** Composite glyph 111 of WenQuanYi Micro Hei and the glyphs it is built from, read from the font. */
const componentsOf = (font: TrueTypeIndex, id: number): number[] => {
  const data = glyph(font, id);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const found: number[] = [];
  for (let at = 10; ;) {
    const flags = view.getUint16(at);
    found.push(view.getUint16(at + 2));
    at += 4 + (flags & 1 ? 4 : 2) + (flags & 0x80 ? 8 : flags & 0x40 ? 4 : flags & 8 ? 2 : 0);
    if (!(flags & 0x20)) return found;
  }
};

describe('subsetTrueType', () => {
  // Glyph ids as the sheet draws them: .notdef, a few ideographs and Latin glyphs.
  const drawn = [17, 2305, 5000, 8000, 2305];
  const subset = indexTrueType(subsetTrueType(noto, drawn));

  it('keeps every glyph id and the outlines and metrics of the glyphs drawn, byte for byte', () => {
    expect(subset.numGlyphs).toBe(8233);
    expect(subset.numberOfHMetrics).toBe(7987);
    // .notdef (glyph 0) is kept whatever is drawn; this font's is an empty outline with an advance.
    expect(glyph(noto, 0).length).toBe(0);
    expect(metrics(subset, 0)).toEqual(metrics(noto, 0));
    for (const id of [17, 2305, 5000, 8000]) {
      const original = glyph(noto, id);
      expect(original.length, `glyph ${String(id)}`).toBeGreaterThan(0);
      // Short loca offsets: an odd-length outline gets one byte of padding.
      expect(glyph(subset, id).length - original.length).toBe(original.length % 2);
      expect(Buffer.from(glyph(subset, id).subarray(0, original.length)).equals(Buffer.from(original))).toBe(
        true,
      );
      expect(metrics(subset, id)).toEqual(metrics(noto, id));
      expect(metrics(subset, id).some((b) => b !== 0)).toBe(true);
    }
  });

  it('leaves every other glyph empty and its metrics zero', () => {
    for (const id of [1, 16, 18, 2304, 8232]) {
      expect(glyph(subset, id).length, `glyph ${String(id)}`).toBe(0);
      expect(metrics(subset, id)).toEqual(id < 7987 ? [0, 0, 0, 0] : [0, 0]);
    }
  });

  it('drops cmap, glyph names and the layout tables; checksums and checkSumAdjustment are right', () => {
    expect([...subset.tables.keys()]).toEqual([
      'OS/2',
      'glyf',
      'head',
      'hhea',
      'hmtx',
      'loca',
      'maxp',
      'name',
      'post',
      'prep',
    ]);
    expect(table(subset, 'post').length).toBe(32);
    expect(new DataView(table(subset, 'post').slice().buffer).getUint32(0)).toBe(0x00030000);
    expect(Buffer.from(table(subset, 'name')).equals(Buffer.from(table(noto, 'name')))).toBe(true);
    const view = new DataView(subset.bytes.buffer, subset.bytes.byteOffset);
    for (let i = 0; i < subset.tables.size; i++) {
      const record = 12 + i * 16;
      const data = subset.bytes.subarray(
        view.getUint32(record + 8),
        view.getUint32(record + 8) + view.getUint32(record + 12),
      );
      const expected =
        record === 12 + [...subset.tables.keys()].indexOf('head') * 16
          ? sum(Uint8Array.from(data, (b, j) => (j >= 8 && j < 12 ? 0 : b)))
          : sum(data);
      expect(view.getUint32(record + 4)).toBe(expected);
    }
    expect(sum(subset.bytes)).toBe(0xb1b0afba);
    expect(subset.bytes.length).toBeLessThan(noto.bytes.length / 30);
  });

  it('writes short loca offsets while the outlines fit in 128 KB, long ones past that', () => {
    const locaFormat = (font: TrueTypeIndex) => new DataView(table(font, 'head').slice().buffer).getInt16(50);
    expect(locaFormat(subset)).toBe(0);
    expect(table(subset, 'loca').length).toBe((8233 + 1) * 2);
    // Every glyph of the GB2312 subset: 2.2 MB of outlines.
    const everything = indexTrueType(
      subsetTrueType(
        noto,
        Array.from({ length: 8233 }, (_, id) => id),
      ),
    );
    expect(locaFormat(everything)).toBe(1);
    expect(Buffer.from(glyph(everything, 5000)).equals(Buffer.from(glyph(noto, 5000)))).toBe(true);
  });

  it('is deterministic whatever the order of the glyph ids', () => {
    expect(Buffer.from(subsetTrueType(noto, [8000, 17, 5000, 2305])).equals(Buffer.from(subset.bytes))).toBe(
      true,
    );
  });

  it('adds the glyphs a composite glyph is built from (WenQuanYi builds ideographs from parts)', () => {
    const parts = componentsOf(wqy, 111);
    expect(parts.length).toBeGreaterThan(0);
    const kept = indexTrueType(subsetTrueType(wqy, [111]));
    for (const id of [111, ...parts])
      expect(glyph(kept, id).length, `glyph ${String(id)}`).toBe((glyph(wqy, id).length + 1) & ~1);
    expect(glyph(kept, 112).length).toBe(0);
    // Its 540 KB table of glyph names is not carried along.
    expect(kept.bytes.length).toBeLessThan(500_000);
  });

  it('refuses what is not a whole TrueType font, saying why', () => {
    expect(() => indexTrueType(noto.bytes.subarray(0, 100))).toThrow(/truncated or corrupt/);
    expect(() => indexTrueType(new TextEncoder().encode('OTTO and then some CFF data'))).toThrow(
      'not a TrueType font with glyf outlines',
    );
  });
});
