import { scoreSealed, type SealedEnvelope, type SealPayload, type ScoreResult } from '../domain/index';
import { renderScoreSheet, type ScoreSheet, type ScoreSheetAssets } from './render-score-sheet';

/**
 * The score a sealed payload's sheet shows: under the scoring rules the seal records, so a sheet of an
 * old seal is re-made exactly as it was made. The one place the report asks the domain for it.
 */
export function scoreOfSealedPayload(payload: SealPayload): ScoreResult {
  return scoreSealed(payload);
}

/**
 * The sheet of a sealed audit, drawn from the seal alone: what `ducha pdf --audit` writes and what
 * `ducha verify` re-makes to compare with a PDF byte for byte.
 */
export function renderSealedSheet(
  envelope: SealedEnvelope,
  assets: Omit<ScoreSheetAssets, 'seal'>,
): ScoreSheet {
  const { rubric, audit } = envelope.payload;
  return renderScoreSheet(rubric, audit, scoreOfSealedPayload(envelope.payload), {
    ...assets,
    seal: envelope,
  });
}
