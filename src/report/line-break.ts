// Line breaking for Chinese text on the sheet. jsPDF and jspdf-autotable wrap between any two
// characters, so a line could start with "，" or end with "（". The 禁则 (line-breaking rules) of
// Chinese typesetting forbid both; a broken Latin word or number (27.2/40, UTC+08:00) misleads as well.

/** Closing punctuation and marks that belong to what precedes them: never the first character of a line. */
const NO_LINE_START = new Set(
  Array.from(
    '，。、；：？！）」』】》〉〕〗〙〛］｝”’…—～·％‰℃°' + '・︰﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞' + ',.;:?!)]}%',
  ),
);
/** Opening punctuation and prefixes that belong to what follows them: never the last character of a line. */
const NO_LINE_END = new Set(Array.from('（「『【《〈〔〖〘〚［｛“‘￥' + '([{¥$'));

/** Ideographs, kana, hangul and full-width forms: a line may break on either side of one. */
const BREAKS_AROUND =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef“”‘’…—·□]/u;
const SPACE = /\s/u;

export const isNoLineStart = (ch: string): boolean => NO_LINE_START.has(ch);
export const isNoLineEnd = (ch: string): boolean => NO_LINE_END.has(ch);

/** May a line end after `before` and the next start with `after`? */
export function canBreakBetween(before: string, after: string): boolean {
  if (SPACE.test(after)) return false; // break after the spaces, which then vanish at the line end
  if (NO_LINE_START.has(after) || NO_LINE_END.has(before)) return false;
  if (SPACE.test(before)) return true;
  // Between two Latin letters, digits or their symbols is inside a word or number.
  return BREAKS_AROUND.test(before) || BREAKS_AROUND.test(after);
}

const trimEnd = (chars: readonly string[]): string => chars.join('').replace(/\s+$/u, '');

/**
 * `text` in lines no wider than `maxWidth` (as `widthOf` measures), keeping its own line breaks. A line
 * breaks at the last place 禁则 allows; only a run with no such place (a Latin word longer than the
 * line) is cut where it overflows, and even then a closing mark is not left to start the next line
 * when the line has room to give it a companion.
 */
export function breakLines(text: string, maxWidth: number, widthOf: (text: string) => number): string[] {
  return text.split('\n').flatMap((paragraph) => breakParagraph(paragraph, maxWidth, widthOf));
}

function breakParagraph(paragraph: string, maxWidth: number, widthOf: (text: string) => number): string[] {
  const chars = Array.from(paragraph);
  const lines: string[] = [];
  let start = 0;
  // A hair of tolerance: widths are sums of font units scaled to millimetres.
  const fits = (end: number) => widthOf(trimEnd(chars.slice(start, end))) <= maxWidth + 1e-6;
  while (start < chars.length) {
    let end = start + 1;
    while (end < chars.length && fits(end + 1)) end++;
    if (end >= chars.length) {
      lines.push(trimEnd(chars.slice(start)));
      break;
    }
    // chars[end] does not fit on this line: find the last allowed break at or before it.
    let cut = end;
    while (cut > start && !canBreakBetween(chars[cut - 1] ?? '', chars[cut] ?? '')) cut--;
    if (cut === start) {
      // No allowed break on the whole line: cut where it overflows, pushing a closing mark's
      // companion down with it when that still leaves something on this line.
      cut = end;
      while (cut - 1 > start && NO_LINE_START.has(chars[cut] ?? '')) cut--;
      while (cut - 1 > start && NO_LINE_END.has(chars[cut - 1] ?? '')) cut--;
    }
    lines.push(trimEnd(chars.slice(start, cut)));
    start = cut;
    while (start < chars.length && SPACE.test(chars[start] ?? '')) start++;
  }
  return lines.length === 0 ? [''] : lines;
}
