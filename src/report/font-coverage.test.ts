import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingCharacters, readCmapCoverage } from './font-coverage';

const root = join(import.meta.dirname, '..', '..');
// The committed subset, not a fixture: these tests pin what the score sheets can actually print.
const coverage = readCmapCoverage(
  readFileSync(join(root, 'public', 'fonts', 'NotoSansSC-Regular-subset.ttf')),
);

function covers(char: string): boolean {
  const codePoint = char.codePointAt(0);
  return codePoint !== undefined && coverage.has(codePoint);
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collectStrings(item, out);
  }
}

describe('readCmapCoverage on the committed Noto Sans SC subset', () => {
  it('covers the characters score sheets print', () => {
    const needed = [
      ...Array.from('王张督查合计符考核'),
      ...Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
      ...Array.from('“”(),:;、。●▲'),
    ];
    expect(needed.filter((c) => !covers(c))).toEqual([]);
  });

  it('lacks rare name characters outside GB2312, which must be caught before rendering', () => {
    for (const char of ['燊', '堃', '喆', '昇', '赟']) {
      expect(covers(char), char).toBe(false);
    }
  });

  it('covers all of GB2312 and a little more', () => {
    // GB2312 has 7445 characters including symbols; the subset adds ASCII, full-width forms and a few extras.
    expect(coverage.size).toBeGreaterThan(7400);
  });

  it('covers every string in the rubrics, which are printed verbatim', () => {
    const dir = join(root, 'rubrics');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const strings: string[] = [];
      const parsed: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      collectStrings(parsed, strings);
      expect(missingCharacters(strings.join('\n'), coverage), file).toEqual([]);
    }
  });

  it('throws a clear error for data that is not a font', () => {
    expect(() => readCmapCoverage(new TextEncoder().encode('%PDF-1.7 not a font at all'))).toThrow(
      /Not a TrueType\/OpenType font/,
    );
    expect(() => readCmapCoverage(new Uint8Array(3))).toThrow(/Not a TrueType\/OpenType font/);
  });

  it('throws a clear error for a font header whose tables lie outside the data', () => {
    // sfnt 1.0 header claiming one table, with the table record cut off.
    const truncated = new Uint8Array([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x63, 0x6d]);
    expect(() => readCmapCoverage(truncated)).toThrow(/truncated or corrupt/);
  });
});

describe('missingCharacters', () => {
  it('returns distinct uncovered characters in first-seen order', () => {
    expect(missingCharacters('碧桂园·燊城管理处 王堃', coverage)).toEqual(['燊', '堃']);
    expect(missingCharacters('燊燊堃燊', coverage)).toEqual(['燊', '堃']);
  });

  it('ignores whitespace and control characters', () => {
    const noGlyphs = new Set<number>();
    expect(missingCharacters(' \n\t\r\u0000\u3000\u00a0\u200b\ufeff', noGlyphs)).toEqual([]);
    expect(missingCharacters('合计\n100\t分', noGlyphs)).toEqual(['合', '计', '1', '0', '分']);
  });

  it('reports characters beyond the BMP as whole characters', () => {
    expect(missingCharacters('王𠮷', coverage)).toEqual(['𠮷']);
  });
});
