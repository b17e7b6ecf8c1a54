/**
 * The fuller CJK font for text the embedded GB2312 subset cannot draw (燊 堃 喆 昇 赟 in names): WenQuanYi
 * Micro Hei, all 20,9xx unified ideographs of the basic block plus Latin and punctuation, extracted from
 * Debian's fonts-wqy-microhei by scripts/extract-fuller-font.ts (Apache-2.0, public/fonts/).
 *
 * Too big to precache (4.6 MB): the app fetches it in the background after the first visit and keeps it
 * in the Cache API, checked against this hash, so a half-downloaded or altered file is never drawn with.
 * The CLI reads the same file, so a sheet made in the browser and one made by `ducha pdf` record the
 * same font, and `ducha verify` finds it by this hash wherever the repository is.
 */
export const FULLER_FONT = {
  /** Relative to the app's base URL and to the repository's public/ directory. */
  path: 'fonts/wqy-microhei.ttf',
  /** The name sheets record; the CLI has always used it for this font. */
  name: 'CJK-fallback',
  size: 4_626_376,
  sha256: '1284f6cc9d51a9fda3a38e1d879e1fc87283d8520ff3a06d94afa3c9993ecf0a',
} as const;
