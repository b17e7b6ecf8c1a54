import type { AuditStore } from '../../storage/audit-store';
import { renderScoreSheet } from '../../report/render-score-sheet';
import { sheetMissingCharacters } from '../../report/sheet-preflight';
import { loadSheetFonts } from './sheet-fonts';

/** What making a sheet came to: the PDF, or the characters no font can draw (asked about first). */
export type SheetOutcome =
  | {
      readonly outcome: 'sheet';
      readonly bytes: Uint8Array<ArrayBuffer>;
      readonly form: string;
      /** The fuller font is on this device (it may have been fetched while the sheet was made). */
      readonly hasFullerFont: boolean;
    }
  | { readonly outcome: 'missing'; readonly missing: readonly string[]; readonly hasFullerFont: boolean };

export interface SheetRequest {
  readonly auditId: string;
  /** The zone the sheet prints its times in and names: the device's, as the app shows them. */
  readonly timeZone: string;
  /** Make the sheet even if some characters will print as □ (the user was told and agreed). */
  readonly proceed: boolean;
}

/**
 * The score sheet of a stored audit, from the store and fonts of wherever this runs (the sheet worker,
 * or the page when no worker can start). Characters neither font can draw stop it unless `proceed`.
 */
export async function makeSheet(store: AuditStore, request: SheetRequest): Promise<SheetOutcome> {
  const [data, fonts] = await Promise.all([store.getSheetData(request.auditId), loadSheetFonts()]);
  if (!request.proceed) {
    const missing = sheetMissingCharacters(data.rubric, data.audit, data.score, fonts);
    if (missing.length > 0)
      return { outcome: 'missing', missing, hasFullerFont: fonts.fallback !== undefined };
  }
  const sheet = renderScoreSheet(data.rubric, data.audit, data.score, {
    fonts,
    images: data.images,
    ...(data.seal ? { seal: data.seal } : {}),
    timeZone: request.timeZone,
  });
  return {
    outcome: 'sheet',
    bytes: sheet.bytes,
    form: data.rubric.form,
    hasFullerFont: fonts.fallback !== undefined,
  };
}
