import { scoreSealed, type SealedEnvelope } from '../../domain/index';
import type { AuditStore, SheetData } from '../../storage/audit-store';
import { renderScoreSheet } from '../../report/render-score-sheet';
import { sheetMissingCharacters } from '../../report/sheet-preflight';
import { PUBLIC_URL_SETTING, publicUrlIn } from '../../storage/public-url-setting';
import { loadSheetFonts, type SheetFonts } from './sheet-fonts';

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

export interface SheetOptions {
  /** The zone the sheet prints its times in and names: the device's, as the app shows them. */
  readonly timeZone: string;
  /** Make the sheet even if some characters will print as □ (the user was told and agreed). */
  readonly proceed: boolean;
  /** Head office's address: a sealed sheet names its 验证 page (QR code and footer). */
  readonly publicUrl?: string | undefined;
}

export interface SheetRequest extends SheetOptions {
  readonly auditId: string;
}

/** A sealed audit from elsewhere (the server): its envelope, verified by whoever fetched it, and its images by id. */
export interface SealedSheetSource {
  readonly envelope: SealedEnvelope;
  readonly images: ReadonlyMap<string, Uint8Array>;
}

/**
 * The score sheet of a stored audit, from the store and fonts of wherever this runs (the sheet worker,
 * or the page when no worker can start). Characters neither font can draw stop it unless `proceed`.
 */
export async function makeSheet(store: AuditStore, request: SheetRequest): Promise<SheetOutcome> {
  // The address head office last gave (down-sync), read here so a sheet made offline names it too.
  const [data, fonts, publicUrl] = await Promise.all([
    store.getSheetData(request.auditId),
    loadSheetFonts(),
    store.getSetting(PUBLIC_URL_SETTING).then(publicUrlIn),
  ]);
  return sheetOf(data, fonts, { ...request, publicUrl: request.publicUrl ?? publicUrl });
}

/**
 * The score sheet of a sealed audit that is not stored on this device, drawn from the seal alone (its rubric,
 * answers and the score under the scoring rules it records), exactly as the device that sealed it draws it.
 */
export async function makeSealedSheet(source: SealedSheetSource, options: SheetOptions): Promise<SheetOutcome> {
  const { payload } = source.envelope;
  const data: SheetData = {
    rubric: payload.rubric,
    audit: payload.audit,
    score: scoreSealed(payload),
    images: source.images,
    seal: source.envelope,
  };
  return sheetOf(data, await loadSheetFonts(), options);
}

function sheetOf(data: SheetData, fonts: SheetFonts, request: SheetOptions): SheetOutcome {
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
    ...(request.publicUrl === undefined ? {} : { publicUrl: request.publicUrl }),
  });
  return {
    outcome: 'sheet',
    bytes: sheet.bytes,
    form: data.rubric.form,
    hasFullerFont: fonts.fallback !== undefined,
  };
}
