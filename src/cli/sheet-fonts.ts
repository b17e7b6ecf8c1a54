import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SheetFont } from '../report/font-choice';
import { FULLER_FONT } from '../report/fuller-font';
import { extractFontFromCollection } from '../report/ttc';

const repoRoot = join(import.meta.dirname, '..', '..');
export const SUBSET_FONT_PATH = join(repoRoot, 'public', 'fonts', 'NotoSansSC-Regular-subset.ttf');
/**
 * The fuller font for text the GB2312 subset cannot draw: WenQuanYi Micro Hei as bundled in public/fonts
 * (the same file the app caches), so the CLI and the browser make sheets that record the same font.
 */
export const DEFAULT_FALLBACK_FONT = join(repoRoot, 'public', FULLER_FONT.path);
/**
 * Debian's fonts-wqy-microhei, where the bundled file came from (a collection: the first font is
 * extracted). Sheets made before the font was bundled recorded it; verify still looks for it.
 */
export const SYSTEM_FALLBACK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

export async function loadSheetFonts(
  fallbackPath: string | false,
): Promise<{ subset: SheetFont; fallback?: SheetFont }> {
  const subset = { name: 'NotoSansSC-subset', bytes: new Uint8Array(await readFile(SUBSET_FONT_PATH)) };
  if (fallbackPath === false || !existsSync(fallbackPath)) return { subset };
  const bytes = extractFontFromCollection(new Uint8Array(await readFile(fallbackPath)));
  return { subset, fallback: { name: FULLER_FONT.name, bytes } };
}

export const describeMissing = (missing: readonly string[]): string =>
  missing
    .map((ch) => `${ch} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`)
    .join(', ');
