import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { shortKeyId, type ConflictRecord, type EnrolledKey, type HoldReason } from '../../../domain/index';
import { useHeadOffice } from '../../providers/store-provider';

export type SignerLabel = (keyId: string) => string;

/**
 * Who signed, in words: the register's device label and auditor, 本机 for this device's own key, or
 * the fingerprint of a key nobody enrolled. A file never names its own signer: only the register does.
 */
export function useSignerLabel(): SignerLabel {
  const { t } = useTranslation();
  const headOffice = useHeadOffice();
  const register = useLiveQuery(
    async () => ({ keys: await headOffice.keys(), own: await headOffice.ownKeyId() }),
    [headOffice],
  );
  return useCallback(
    (keyId: string) => {
      if (keyId === '') return t('dashboard.signer.none');
      if (register?.own === keyId) return t('dashboard.signer.own');
      const key: EnrolledKey | undefined = register?.keys.find((k) => k.keyId === keyId);
      if (key)
        return t(key.revokedAt === undefined ? 'dashboard.signer.enrolled' : 'dashboard.signer.revoked', {
          device: key.deviceLabel,
          auditor: key.auditor,
        });
      return t('dashboard.signer.unknown', { fingerprint: shortKeyId(keyId) });
    },
    [register, t],
  );
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
