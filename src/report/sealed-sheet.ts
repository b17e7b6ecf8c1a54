import { scoreSealed, type SealedEnvelope, type SealPayload, type ScoreResult } from '../domain/index';
import { renderScoreSheet } from './render-score-sheet';
import { renderScoreSheetV2 } from './renderer-v2/render-score-sheet-v2';
import { renderScoreSheetV3 } from './renderer-v3/render-score-sheet-v3';
import type { ScoreSheet, ScoreSheetAssets } from './sheet-document';
import { REPRODUCIBLE_RENDERER_VERSIONS, SHEET_RENDERER_VERSION } from './sheet-record';

/**
 * The score a sealed payload's sheet shows: under the scoring rules the seal records, so a sheet of an
 * old seal is re-made exactly as it was made. The one place the report asks the domain for it.
 */
export function scoreOfSealedPayload(payload: SealPayload): ScoreResult {
  return scoreSealed(payload);
}

/**
 * The sheet of a sealed audit, drawn from the seal alone: what `ducha pdf --audit` writes and what
 * `ducha verify` re-makes to compare with a PDF byte for byte. `version` is the renderer a handed-out
 * sheet records: versions 2 and 3 are drawn by their frozen code (2 printed no zone, 3 no verification page).
 */
export function renderSealedSheet(
  envelope: SealedEnvelope,
  assets: Omit<ScoreSheetAssets, 'seal'>,
  version: number = SHEET_RENDERER_VERSION,
): ScoreSheet {
  const { rubric, audit } = envelope.payload;
  const score = scoreOfSealedPayload(envelope.payload);
  if (version === 2) return renderScoreSheetV2(rubric, audit, score, { ...assets, seal: envelope });
  // Version 3 named no verification page, whatever the assets say.
  if (version === 3) {
    const { publicUrl: _unused, ...v3Assets } = assets;
    return renderScoreSheetV3(rubric, audit, score, { ...v3Assets, seal: envelope });
  }
  if (version === SHEET_RENDERER_VERSION)
    return renderScoreSheet(rubric, audit, score, { ...assets, seal: envelope });
  throw new Error(
    `renderer version ${String(version)} cannot be re-made here (only ${REPRODUCIBLE_RENDERER_VERSIONS.join(', ')})`,
  );
}
