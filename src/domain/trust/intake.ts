import type { ValidEntry } from '../bundle/check-bundle';
import type { EnrolledKey } from './key-register';

/** What a receiver already holds of one sealed revision, enough to judge a newcomer against it. */
export interface StoredRevision {
  readonly auditId: string;
  readonly lineageId: string;
  readonly revision: number;
  readonly hash: string;
  readonly signer: string;
}

/** Everything the decision needs, looked up by the store (or by the run, for entries decided before). */
export interface IntakeFacts {
  /** The signer's register entry, if it was ever enrolled. */
  readonly key: EnrolledKey | undefined;
  /** The receiving device's own key: its own seals need no enrolment. */
  readonly isOwnKey: boolean;
  /** The rubric fingerprint is shipped with Ducha or was accepted by head office. */
  readonly isRubricKnown: boolean;
  /** An accepted revision with this audit id. */
  readonly sameId: StoredRevision | undefined;
  /** An accepted revision at the same place in the same lineage. */
  readonly sameRevision: StoredRevision | undefined;
  /** The accepted revision n − 1 of the same lineage. */
  readonly predecessor: StoredRevision | undefined;
  /** Whom the signing key is enrolled to (an account on the server, the register's auditor name elsewhere). */
  readonly signerOwner: string;
  /**
   * Who may seal the correction of `predecessor`: whom its key is enrolled to, or the auditor head office
   * handed it over to since. Undefined when there is no predecessor.
   */
  readonly predecessorAuthor: string | undefined;
}

export type HoldReason = 'unknown-key' | 'unknown-rubric' | 'missing-predecessor';

export type IntakeDecision =
  | { readonly kind: 'accept' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'conflict'; readonly message: string; readonly existing: StoredRevision }
  | { readonly kind: 'hold'; readonly reason: HoldReason; readonly message: string }
  | { readonly kind: 'refuse'; readonly message: string };

const instant = (iso: string): number => Date.parse(iso);

/**
 * The identity a key stands for when deciding authorship: the account it is enrolled to where the store knows
 * accounts (the server says so in `accountOf`), else the auditor the register names; a key nobody enrolled
 * (the receiving tablet's own) stands for itself only.
 */
export function ownerOfKey(keyId: string, key: { readonly auditor: string } | undefined, accountOf?: string): string {
  if (accountOf !== undefined) return accountOf;
  if (key !== undefined) return `auditor:${key.auditor.trim()}`;
  return `key:${keyId}`;
}

/**
 * The one rule for what a receiver does with a verified sealed revision (app, CLI store and server alike):
 * - the same audit id again: unchanged if it is the same seal, else a conflict (never a replacement);
 * - sealed by a revoked key at or after its revocation: refused;
 * - sealed by a key nobody enrolled, or against a rubric nobody knows: held aside, not compared;
 * - revision n > 1 only continues the accepted revision n − 1 (same lineage, previousId and previousHash
 *   naming it exactly); without it the revision is held until it arrives, and anything else is a conflict;
 * - and a correction belongs to its author: revision n only continues revision n − 1 when its key is enrolled
 *   to the same auditor (or to the one head office handed the audit over to); anyone else's is a conflict,
 *   because reading an envelope is enough to chain to it and a chain alone proves nothing about who wrote it.
 */
export function decideIntake(entry: ValidEntry, facts: IntakeFacts): IntakeDecision {
  const { payload, hash } = entry.envelope;
  const { audit } = payload;
  if (facts.sameId) {
    if (facts.sameId.hash === hash) return { kind: 'unchanged' };
    return {
      kind: 'conflict',
      message: `audit ${audit.id} is already here with another seal`,
      existing: facts.sameId,
    };
  }
  const { key } = facts;
  if (key?.revokedAt !== undefined && instant(payload.sealedAt) >= instant(key.revokedAt))
    return {
      kind: 'refuse',
      message: `sealed on ${payload.sealedAt} by key ${key.deviceLabel} (${key.auditor}), revoked on ${key.revokedAt}`,
    };
  if (key === undefined && !facts.isOwnKey)
    return { kind: 'hold', reason: 'unknown-key', message: 'signed by a key head office has not enrolled (待确认签名)' };
  if (!facts.isRubricKnown)
    return {
      kind: 'hold',
      reason: 'unknown-rubric',
      message: `scored against a ${audit.rubricId} version head office does not know (${audit.rubricFingerprint})`,
    };
  if (facts.sameRevision)
    return {
      kind: 'conflict',
      message: `revision ${audit.revision} of this audit is already here as another audit (${facts.sameRevision.auditId})`,
      existing: facts.sameRevision,
    };
  if (audit.revision > 1) {
    const previous = facts.predecessor;
    if (previous === undefined)
      return {
        kind: 'hold',
        reason: 'missing-predecessor',
        message: `revision ${audit.revision - 1}, which this revision corrects, has not arrived`,
      };
    if (previous.auditId !== audit.previousId || previous.hash !== payload.previousHash)
      return {
        kind: 'conflict',
        message: `revision ${audit.revision} does not continue the revision ${previous.revision} held here (its predecessor's seal differs)`,
        existing: previous,
      };
    if (facts.predecessorAuthor !== undefined && facts.predecessorAuthor !== facts.signerOwner)
      return {
        kind: 'conflict',
        message: `revision ${audit.revision} is sealed by ${facts.key ? `a key of ${facts.key.auditor}` : 'another key'}, but revision ${previous.revision} belongs to another auditor: only its author corrects an audit, unless head office hands it over`,
        existing: previous,
      };
  }
  return { kind: 'accept' };
}
