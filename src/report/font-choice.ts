import { missingCharacters, readCmapCoverage } from './font-coverage';

export interface SheetFont {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export const FONT_IDS = { subset: 'DuchaCJK', fallback: 'DuchaCJKFallback' } as const;

export interface PickedText {
  readonly font: (typeof FONT_IDS)[keyof typeof FONT_IDS];
  /** The text with every character the chosen font lacks replaced by □. */
  readonly text: string;
  readonly missing: readonly string[];
}

const coverageCache = new WeakMap<Uint8Array, ReadonlySet<number>>();
export function coverageOf(bytes: Uint8Array): ReadonlySet<number> {
  let coverage = coverageCache.get(bytes);
  if (!coverage) {
    coverage = readCmapCoverage(bytes);
    coverageCache.set(bytes, coverage);
  }
  return coverage;
}

/** Replaces characters the font lacks with □, so none disappears silently. */
export function substituteMissing(text: string, missing: readonly string[]): string {
  if (missing.length === 0) return text;
  const set = new Set(missing);
  return Array.from(text, (ch) => (set.has(ch) ? '□' : ch)).join('');
}

/**
 * Chooses, per piece of text, the font that can draw it. The embedded subset covers GB2312; names often
 * need more (燊 堃 喆 昇 赟), so a piece the subset cannot draw uses the fuller fallback font when one is
 * available offline. What neither can draw becomes □ and is reported.
 */
export function createFontPicker(subset: SheetFont, fallback?: SheetFont): (text: string) => PickedText {
  const subsetCoverage = coverageOf(subset.bytes);
  const fallbackCoverage = fallback ? coverageOf(fallback.bytes) : undefined;
  return (text) => {
    const missing = missingCharacters(text, subsetCoverage);
    if (missing.length === 0) return { font: FONT_IDS.subset, text, missing };
    if (fallbackCoverage) {
      const fallbackMissing = missingCharacters(text, fallbackCoverage);
      if (fallbackMissing.length < missing.length) {
        return {
          font: FONT_IDS.fallback,
          text: substituteMissing(text, fallbackMissing),
          missing: fallbackMissing,
        };
      }
    }
    return { font: FONT_IDS.subset, text: substituteMissing(text, missing), missing };
  };
}
