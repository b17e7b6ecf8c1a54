import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FALLBACK_FONT, SYSTEM_FALLBACK_FONT } from '../../src/verify/sheet-fonts';
import { missingCharacters, readCmapCoverage } from '../../src/report/font-coverage';
import { FULLER_FONT } from '../../src/report/fuller-font';
import { extractFontFromCollection } from '../../src/report/ttc';
import { repoRoot } from '../support/load';
import { subsetFont } from '../support/sealed-audit';

const bundled = new Uint8Array(readFileSync(join(repoRoot, 'public', FULLER_FONT.path)));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the fuller CJK font bundled for rare name characters', () => {
  it('is the file the app checks downloads against (size and SHA-256) and the CLI’s default fallback', () => {
    expect(bundled.length).toBe(FULLER_FONT.size);
    expect(sha256(bundled)).toBe(FULLER_FONT.sha256);
    expect(DEFAULT_FALLBACK_FONT).toBe(join(repoRoot, 'public', 'fonts', 'wqy-microhei.ttf'));
  });

  it('draws the name characters the GB2312 subset lacks, and every ideograph of the basic block', () => {
    const names = '燊堃喆昇赟珺玥淏';
    const subset = readCmapCoverage(subsetFont.bytes);
    const fuller = readCmapCoverage(bundled);
    expect(missingCharacters(names, subset)).toEqual(['燊', '堃', '喆', '昇', '赟', '珺', '玥', '淏']);
    expect(missingCharacters(names, fuller)).toEqual([]);
    // U+4E00–U+9FA5: the 20,902 ideographs of Unicode 1.1, which GBK maps in full.
    let basic = 0;
    for (let code = 0x4e00; code <= 0x9fa5; code++) if (fuller.has(code)) basic++;
    expect(basic).toBe(20902);
    expect(missingCharacters('Aa0 ,.:()（），。', fuller)).toEqual([]);
    // Beyond it (extension A and B) even the fuller font has gaps: those still print as □, listed.
    expect(missingCharacters('䶮𠮷', fuller)).toEqual(['䶮', '𠮷']);
  });

  it.runIf(existsSync(SYSTEM_FALLBACK_FONT))(
    'is byte for byte the first face of Debian’s wqy-microhei.ttc, so sheets that recorded the system font verify against it',
    () => {
      const system = extractFontFromCollection(new Uint8Array(readFileSync(SYSTEM_FALLBACK_FONT)));
      expect(sha256(system)).toBe(FULLER_FONT.sha256);
    },
  );
});
