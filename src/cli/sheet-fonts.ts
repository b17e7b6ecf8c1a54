import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SheetFont } from '../report/font-choice';
import { extractFontFromCollection } from '../report/ttc';

const repoRoot = join(import.meta.dirname, '..', '..');
export const SUBSET_FONT_PATH = join(repoRoot, 'public', 'fonts', 'NotoSansSC-Regular-subset.ttf');
/**
 * Debian's fonts-wqy-microhei (GBK and more, with Latin and punctuation), used for text the GB2312 subset
 * cannot draw. It ships as a collection; the first font is extracted.
 */
export const DEFAULT_FALLBACK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

export async function loadSheetFonts(
  fallbackPath: string | false,
): Promise<{ subset: SheetFont; fallback?: SheetFont }> {
  const subset = { name: 'NotoSansSC-subset', bytes: new Uint8Array(await readFile(SUBSET_FONT_PATH)) };
  if (fallbackPath === false || !existsSync(fallbackPath)) return { subset };
  const bytes = extractFontFromCollection(new Uint8Array(await readFile(fallbackPath)));
  return { subset, fallback: { name: 'CJK-fallback', bytes } };
}

export const describeMissing = (missing: readonly string[]): string =>
  missing
    .map((ch) => `${ch} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`)
    .join(', ');
