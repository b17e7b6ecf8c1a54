import { FULLER_FONT } from '../../report/fuller-font';
import type { SheetFont } from '../../report/font-choice';
import { rememberFontHash } from '../../report/sheet-record';
import { loadFullerFont } from '../fuller-font';
import { ChunkLoadError } from '../retrying-import';

const FONT_URL = `${import.meta.env.BASE_URL}fonts/NotoSansSC-Regular-subset.ttf`;

export interface SheetFonts {
  readonly subset: SheetFont;
  readonly fallback?: SheetFont;
}

// Kept for the life of the page or worker: the renderer caches each font's parse by its bytes, so the
// same bytes must come back for every sheet (fetching them again would mean parsing them again).
let subset: Promise<SheetFont> | undefined;
let fallback: SheetFont | undefined;

async function fetchSubset(): Promise<SheetFont> {
  // Precached by the service worker, so this works with no network after one visit.
  const response = await fetch(FONT_URL).catch((error: unknown) => {
    throw new ChunkLoadError(error);
  });
  if (!response.ok) throw new Error(`font ${FONT_URL}: HTTP ${String(response.status)}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // The sheet records the font's SHA-256: hashed natively here, not in JavaScript while the sheet is drawn.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  rememberFontHash(bytes, Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''));
  return { name: 'NotoSansSC-subset', bytes };
}

/**
 * The embedded GB2312 subset, and the fuller font when it is on this device (or can be fetched now).
 * Each is fetched once; a failed fetch is tried again next time, and so is a fuller font not yet here.
 */
export async function loadSheetFonts(): Promise<SheetFonts> {
  subset ??= fetchSubset().catch((error: unknown) => {
    subset = undefined;
    throw error;
  });
  const [loadedSubset, fuller] = await Promise.all([subset, fallback ? undefined : loadFullerFont()]);
  if (fuller) {
    // loadFullerFont gives only bytes whose SHA-256 it checked to be this one.
    rememberFontHash(fuller, FULLER_FONT.sha256);
    fallback = { name: FULLER_FONT.name, bytes: fuller };
  }
  return { subset: loadedSubset, ...(fallback ? { fallback } : {}) };
}
