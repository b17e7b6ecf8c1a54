import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { shortKeyId, type ConflictRecord, type HoldReason } from '../../../domain/index';
import type { HeldAudit } from '../../../domain/wire';
import { useOwnAudits } from '../../providers/store-provider';

type ServerSigner = HeldAudit['signer'];

export type SignerLabel = (keyId: string) => string;

/**
 * Who signed one of this device's own audits, in words: 本机 for its own key (a key it replaced shows its
 * fingerprint). Whose other keys are is known only to the server's register.
 */
export function useSignerLabel(): SignerLabel {
  const { t } = useTranslation();
  const own = useOwnAudits();
  const ownKey = useLiveQuery(() => own.ownKeyId(), [own]);
  return useCallback(
    (keyId: string) => {
      if (keyId === '') return t('dashboard.signer.none');
      if (ownKey === keyId) return t('dashboard.signer.own');
      return t('dashboard.signer.unknown', { fingerprint: shortKeyId(keyId) });
    },
    [ownKey, t],
  );
}

/** A signer as the server's register names it: device and auditor, or the fingerprint of a key nobody enrolled. */
export function serverSignerLabel(t: TFunction, signer: ServerSigner): string {
  if (signer.deviceLabel === null || signer.auditor === null)
    return t('dashboard.signer.unknown', { fingerprint: shortKeyId(signer.keyId) });
  return t(signer.revoked ? 'dashboard.signer.revoked' : 'dashboard.signer.enrolled', {
    device: signer.deviceLabel,
    auditor: signer.auditor,
  });
}

/** A seal hash as people compare it: the first 16 hex digits in groups of four. */
export const shortHash = (hash: string): string => shortKeyId(hash);

type ConflictKind = 'sameAudit' | 'sameRevision' | 'brokenChain' | 'heldTwice';

/**
 * Which of the domain's conflict rules a record comes from, read off its two sides (the record's own
 * message is English, for logs): the same id twice, the same place in a lineage taken by another
 * audit, a revision that does not chain to the stored one, or two seals both still held aside.
 */
export function conflictKind(record: ConflictRecord): ConflictKind {
  if (record.existing.signer === '') return 'heldTwice';
  if (record.existing.auditId === record.auditId) return 'sameAudit';
  if (record.existing.revision === record.revision) return 'sameRevision';
  return 'brokenChain';
}

const holdReasonKeys = {
  'unknown-key': 'dashboard.reason.unknownKey',
  'unknown-rubric': 'dashboard.reason.unknownRubric',
  'missing-predecessor': 'dashboard.reason.missingPredecessor',
} as const satisfies Record<HoldReason, string>;
// A held row keeps its reason as plain text (another version of the app may have written another one).
const isHoldReason = (reason: string): reason is HoldReason => reason in holdReasonKeys;

/** The catalogue key that says in words why an audit is held aside. */
export const holdReasonKey = (reason: string) =>
  isHoldReason(reason) ? holdReasonKeys[reason] : 'dashboard.reason.other';
