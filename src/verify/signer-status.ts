import { keyFingerprint, type EnrolledKey, type SealedEnvelope } from '../domain/index';
import type { SealedRecord, Signer } from '../domain/wire';

/**
 * What a key register says of the key that made a seal: enrolled, revoked before it sealed (refused), or
 * unknown. A key revoked after the seal was made still vouches for what it sealed before.
 */
export function signerStatus(key: EnrolledKey | undefined, envelope: SealedEnvelope): Signer {
  const fingerprint = keyFingerprint(envelope.payload.publicKey);
  if (key === undefined) return { status: 'not-enrolled', fingerprint };
  const who = { fingerprint, deviceLabel: key.deviceLabel, auditor: key.auditor, enrolledAt: key.enrolledAt };
  if (key.revokedAt !== undefined && Date.parse(envelope.payload.sealedAt) >= Date.parse(key.revokedAt))
    return { status: 'revoked', ...who, revokedAt: key.revokedAt };
  return { status: 'enrolled', ...who, revokedAt: key.revokedAt ?? null };
}

/** The seal's own statements, as the verification page shows them. */
export function sealedRecordOf(envelope: SealedEnvelope, timeZone: string | null): SealedRecord {
  const { audit, rubric, score, previousHash, sealedAt } = envelope.payload;
  return {
    auditId: audit.id,
    site: audit.site.name,
    siteCode: audit.site.code ?? null,
    auditedAt: audit.auditedAt,
    auditor: audit.auditor,
    revision: audit.revision,
    amendReason: audit.amendReason ?? null,
    previousHash: previousHash ?? null,
    earnedH: score.earnedH,
    possibleH: score.possibleH,
    percentTenths: score.percentTenths,
    rubricId: rubric.id,
    rubricTitle: rubric.title,
    rubricFingerprint: audit.rubricFingerprint,
    sealHash: envelope.hash,
    sealedAt,
    timeZone,
  };
}
