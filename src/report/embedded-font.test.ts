import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsPDF } from 'jspdf';
import { describe, expect, it } from 'vitest';
import { toBase64 } from './base64';
import { addCachedFont, toUnicodeCMap, widthsArray } from './embedded-font';

const font = {
  name: 'NotoSansSC-subset',
  bytes: new Uint8Array(
    readFileSync(join(import.meta.dirname, '..', '..', 'public', 'fonts', 'NotoSansSC-Regular-subset.ttf')),
  ),
};

describe('text measured in a cached font', () => {
  it('gives exactly what jsPDF gives with the font loaded its own way, Arabic letters included', () => {
    const doc = new jsPDF({ unit: 'mm', format: 'a4' });
    addCachedFont(doc, font, 'DuchaCJK');
    const reference = new jsPDF({ unit: 'mm', format: 'a4' });
    reference.addFileToVFS('font.ttf', toBase64(font.bytes));
    reference.addFont('font.ttf', 'DuchaCJK', 'normal', 'normal', 'Identity-H');
    for (const pdf of [doc, reference]) {
      pdf.setFont('DuchaCJK', 'normal');
      pdf.setFontSize(7.6);
    }
    for (const text of [
      '督办记录表KF3',
      '“符合”项得标准分值,“基本符合”项得0.8*标准分。',
      'SHA-256 3b20 6b0c',
      'مرحبا 督查',
      '',
    ]) {
      expect(doc.getStringUnitWidth(text), text).toBe(reference.getStringUnitWidth(text));
      expect(doc.getTextWidth(text), text).toBe(reference.getTextWidth(text));
    }
    // Two ideographs, 1 em each, at 7.6 pt, in mm.
    expect(doc.getTextWidth('督查')).toBeCloseTo((2 * 7.6 * 25.4) / 72, 10);
  });
});

describe('the font objects written beside the subset', () => {
  it('ToUnicode: runs of consecutive glyphs for consecutive characters become ranges, the rest single entries', () => {
    // Glyphs 16–18 draw 1, 2, 3; glyph 20 draws 督; glyph 255 and 256 are consecutive but cross a byte boundary.
    const cmap = toUnicodeCMap({ 16: 0x31, 17: 0x32, 18: 0x33, 20: 0x7763, 255: 0x41, 256: 0x42 });
    expect(cmap).toContain('3 beginbfchar\n<0014><7763>\n<00ff><0041>\n<0100><0042>\nendbfchar\n');
    expect(cmap).toContain('1 beginbfrange\n<0010><0012><0031>\nendbfrange\n');
    expect(cmap).toContain('1 begincodespacerange\n<0000><ffff>\nendcodespacerange');
  });

  it('ToUnicode: a range never runs past a character whose last byte wraps', () => {
    expect(toUnicodeCMap({ 1: 0x4eff, 2: 0x4f00 })).toContain(
      '2 beginbfchar\n<0001><4eff>\n<0002><4f00>\nendbfchar',
    );
  });

  it('ToUnicode: at most 100 entries a block', () => {
    const every: Record<number, number> = {};
    for (let g = 0; g < 150; g++) every[g * 2] = 0x4e00 + g * 3;
    expect(toUnicodeCMap(every)).toMatch(/100 beginbfchar\n[\s\S]*endbfchar\n50 beginbfchar\n/);
  });

  it('/W lists only glyphs not 1000 wide, consecutive glyphs grouped', () => {
    const widths: Record<number, number> = { 3: 224.9, 4: 330, 5: 1000, 9: 579, 10: 579, 2305: 1000 };
    expect(widthsArray([3, 4, 5, 9, 10, 2305], (g) => widths[g] ?? 0)).toBe('[3 [224 330] 9 [579 579]]');
    expect(widthsArray([2305], (g) => widths[g] ?? 0)).toBe('[]');
  });
});
