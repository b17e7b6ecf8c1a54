import type { Audit, Rubric, ScoreResult } from '../domain/index';
import { createFontPicker, type SheetFont } from './font-choice';
import { buildSheetModel, sheetText } from './sheet-model';

/** The characters no available font can draw on this sheet: asked before rendering, so the user is warned first. */
export function sheetMissingCharacters(
  rubric: Rubric,
  audit: Audit,
  score: ScoreResult,
  fonts: { subset: SheetFont; fallback?: SheetFont },
): string[] {
  const pick = createFontPicker(fonts.subset, fonts.fallback);
  const missing = new Set<string>();
  for (const line of sheetText(buildSheetModel(rubric, audit, score)).split('\n'))
    for (const ch of pick(line).missing) missing.add(ch);
  return [...missing];
}
