import { describe, expect, it } from 'vitest';
import { breakLines, canBreakBetween } from './line-break';

/** Every character one unit wide: a line of width n holds n characters. */
const width = (text: string): number => Array.from(text).length;
/** Latin letters, digits and ASCII punctuation half as wide as ideographs, as in the sheet's font. */
const proportional = (text: string): number =>
  Array.from(text).reduce((sum, ch) => sum + ((ch.codePointAt(0) ?? 0) < 0x2e80 ? 0.5 : 1), 0);

describe('breakLines (禁则)', () => {
  it('never starts a line with closing punctuation: the character before it moves down with it', () => {
    // Cut at 5 characters, line 2 would start with "，".
    expect(breakLines('巡检记录全，缺少记录', 5, width)).toEqual(['巡检记录', '全，缺少记', '录']);
    expect(breakLines('一二三四五。', 5, width)).toEqual(['一二三四', '五。']);
    expect(breakLines('甲乙丙丁戊）己', 5, width)).toEqual(['甲乙丙丁', '戊）己']);
    for (const mark of Array.from('，。、；：？！）」』】》〉”’…%')) {
      const lines = breakLines(`一二三四五${mark}六七八`, 5, width);
      expect(
        lines.slice(1).every((line) => !line.startsWith(mark)),
        mark,
      ).toBe(true);
      expect(lines.join('')).toBe(`一二三四五${mark}六七八`);
    }
  });

  it('never ends a line with opening punctuation: it moves down to what it opens', () => {
    expect(breakLines('一二三四（五六）', 5, width)).toEqual(['一二三四', '（五六）']);
    expect(breakLines('填写记录表《房屋验收》', 5, width)).toEqual(['填写记录表', '《房屋验', '收》']);
    for (const mark of Array.from('（「『【《〈“‘(')) {
      const lines = breakLines(`一二三四${mark}五六七`, 5, width);
      expect(
        lines.slice(0, -1).every((line) => !line.endsWith(mark)),
        mark,
      ).toBe(true);
    }
  });

  it('keeps a closing mark followed by another closing mark together with the character before them', () => {
    // "。”" must not start a line, nor "”" alone.
    expect(breakLines('他说好了。”然后', 5, width)).toEqual(['他说好', '了。”然后']);
  });

  it('does not split a number or a Latin word; breaks Latin text at spaces', () => {
    expect(breakLines('实际得分27.2/40', 6, proportional)).toEqual(['实际得分', '27.2/40']);
    expect(breakLines('项得0.8*标准分', 3, proportional)).toEqual(['项得', '0.8*标', '准分']);
    expect(breakLines('2026年11月24日 10:30 (Asia/Shanghai, UTC+08:00)', 14, proportional)).toEqual([
      '2026年11月24日 10:30',
      '(Asia/Shanghai, UTC+08:00)',
    ]);
    expect(breakLines('2026年11月24日 10:30 (Asia/Shanghai, UTC+08:00)', 9, proportional)).toEqual([
      '2026年11月24日',
      '10:30',
      '(Asia/Shanghai,',
      'UTC+08:00)',
    ]);
  });

  it('cuts a word longer than a whole line where it overflows, as the only way to show all of it', () => {
    expect(breakLines('abcdefghij', 4, width)).toEqual(['abcd', 'efgh', 'ij']);
    // Even then a comma does not start a line when the line can give it a companion.
    expect(breakLines('abcd,efgh', 4, width)).toEqual(['abc', 'd,ef', 'gh']);
  });

  it('keeps the text’s own line breaks, its blank lines, and every character', () => {
    expect(breakLines('标准\n\n备注:好', 10, width)).toEqual(['标准', '', '备注:好']);
    const note =
      '巡检记录不全，缺少十一月份的夜间巡查签到记录。另有两处消防通道堆放杂物（已拍照），要求整改。';
    for (const max of [3, 4, 7, 11, 20]) {
      const lines = breakLines(note, max, width);
      expect(lines.join(''), `width ${max}`).toBe(note);
      expect(lines.every((line) => width(line) <= max)).toBe(true);
      expect(lines.slice(1).some((line) => /^[，。）]/.test(line))).toBe(false);
      expect(lines.some((line) => line.endsWith('（'))).toBe(false);
    }
  });

  it('gives a single character wider than the line a line of its own rather than looping', () => {
    expect(breakLines('一二', 0.5, width)).toEqual(['一', '二']);
    expect(breakLines('', 5, width)).toEqual(['']);
  });

  it('canBreakBetween: between ideographs yes, inside a number no, after a space yes', () => {
    expect(canBreakBetween('分', '值')).toBe(true);
    expect(canBreakBetween('8', '0')).toBe(false);
    expect(canBreakBetween('.', '8')).toBe(false);
    expect(canBreakBetween(' ', 'U')).toBe(true);
    expect(canBreakBetween('分', '，')).toBe(false);
    expect(canBreakBetween('（', '分')).toBe(false);
    expect(canBreakBetween('8', '年')).toBe(true);
  });
});
