import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SheetFont } from '../report/font-choice';
import { FULLER_FONT } from '../report/fuller-font';
import { rememberFontHash } from '../report/sheet-record';
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

const fontFiles = new Map<string, Promise<Uint8Array>>();
/**
 * The font in a file (the first of a collection), read once per process: the renderer parses each
 * font's bytes once, so every sheet of a batch (or every PDF `verify` re-makes) must get the same bytes.
 */
export function readFontFile(path: string): Promise<Uint8Array> {
  let bytes = fontFiles.get(path);
  if (!bytes) {
    bytes = readFile(path).then((data) => {
      const font = extractFontFromCollection(new Uint8Array(data));
      rememberFontHash(font, createHash('sha256').update(font).digest('hex'));
      return font;
    });
    // A failed read is not kept: the file may be there next time.
    bytes.catch(() => fontFiles.delete(path));
    fontFiles.set(path, bytes);
  }
  return bytes;
}

export async function loadSheetFonts(
  fallbackPath: string | false,
): Promise<{ subset: SheetFont; fallback?: SheetFont }> {
  const subset = { name: 'NotoSansSC-subset', bytes: await readFontFile(SUBSET_FONT_PATH) };
  if (fallbackPath === false || !existsSync(fallbackPath)) return { subset };
  return { subset, fallback: { name: FULLER_FONT.name, bytes: await readFontFile(fallbackPath) } };
}

export const describeMissing = (missing: readonly string[]): string =>
  missing
    .map((ch) => `${ch} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`)
    .join(', ');
