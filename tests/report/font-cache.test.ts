import { describe, expect, it } from 'vitest';
import { fontParseCount } from '../../src/report/embedded-font';
import { readStreams } from '../../src/verify/pdf-inspect';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, sealed, sheetOf, subsetFont } from '../support/sealed-audit';

const kf01 = loadRubric('KF01');
const kf3 = loadRubric('KF3');
const audit01 = finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-mixed') });
const audit3 = finalisedAudit(
  kf3,
  { ...loadGrades(kf3, 'kf3-mixed-cap-not-hit') },
  { site: '万科·城市花园' },
);

/** The embedded font program of a sheet (the stream with /Length1), inflated. */
const fontProgram = (pdf: Uint8Array): Uint8Array =>
  readStreams(pdf).find((s) => s.dictionary.includes('/Length1'))?.data ?? new Uint8Array();

describe('the font is parsed once and reused', { timeout: 60_000 }, () => {
  it('two sheets with the same font bytes parse it once, and each sheet embeds only its own glyphs', async () => {
    // A copy of the font: bytes no earlier test has drawn with, so this test sees their first parse.
    const font = { ...subsetFont, bytes: Uint8Array.from(subsetFont.bytes) };
    const before = fontParseCount();
    const [seal01, seal3] = await Promise.all([sealed(kf01, audit01), sealed(kf3, audit3)]);
    const first = sheetOf(kf01, audit01, { seal: seal01, font });
    expect(fontParseCount()).toBe(before + 1);
    const second = sheetOf(kf3, audit3, { seal: seal3, font });
    const third = sheetOf(kf01, audit01, { seal: seal01, font });
    expect(fontParseCount()).toBe(before + 1);
    // What one sheet drew never leaks into the next: KF01 again is the same bytes as the first time,
    // and as a KF01 sheet made with the font's other copy (parsed separately).
    expect(Buffer.from(third.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    expect(Buffer.from(sheetOf(kf01, audit01, { seal: seal01 }).bytes).equals(Buffer.from(first.bytes))).toBe(
      true,
    );
    // KF3 draws many more characters than KF01, so its font program is bigger; both are a small part of the font.
    expect(fontProgram(second.bytes).length).toBeGreaterThan(fontProgram(first.bytes).length * 1.3);
    expect(fontProgram(second.bytes).length).toBeLessThan(font.bytes.length / 8);
  });
});
