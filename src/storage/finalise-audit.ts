import {
  blobReferences,
  canonicalJson,
  sealAudit,
  sealedEnvelopeSchema,
  type Audit,
  type SealedEnvelope,
  finaliseAudit,
  formatIssue,
  type AuditHeader,
} from '../domain/index';
import { getAudit } from './audit-reads';
import { getDeviceSigner } from './device-key';
import { getBlob } from './draft-answers';
import { newOutboxEntry, outboxRowOf } from './outbox';
import { StorageError } from './storage-error';
import { type StoreContext, parseAnswers, parseHeader, run } from './store-context';

/**
 * Locks and seals the audit. Refused, with every reason, while units are ungraded or signatures
 * missing. Hashing and signing happen outside the transaction (IndexedDB transactions cannot wait
 * for WebCrypto); the write then checks nothing changed meanwhile, and stores the finalised header
 * and its seal together or not at all.
 */
export async function finalise(ctx: StoreContext, auditId: string): Promise<AuditHeader> {
  const stored = await getAudit(ctx, auditId);
  if (stored === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
  const finalised = finaliseAudit(stored.rubric, stored.header, stored.answers, ctx.now());
  if (!finalised.ok) {
    throw new StorageError(
      stored.header.status === 'draft' ? 'invalid' : 'locked',
      finalised.issues.map(formatIssue).join('; '),
    );
  }
  const audit: Audit = { ...finalised.value, answers: [...stored.answers] };
  const blobs = new Map<string, { bytes: Uint8Array; type: string }>();
  for (const ref of blobReferences(audit)) {
    const blob = await getBlob(ctx, ref.id);
    if (blob) blobs.set(ref.id, { bytes: new Uint8Array(await blob.arrayBuffer()), type: blob.type });
  }
  const previousHash = stored.header.previousId
    ? (await getSeal(ctx, stored.header.previousId))?.hash
    : undefined;
  const signer = await run(() => getDeviceSigner(ctx.db, ctx.now));
  const sealed = await sealAudit(
    {
      audit,
      rubric: stored.rubric,
      blobs,
      sealedAt: finalised.value.finalisedAt ?? ctx.now(),
      ...(previousHash ? { previousHash } : {}),
    },
    signer,
  );
  if (!sealed.ok) throw new StorageError('invalid', sealed.issues.map(formatIssue).join('; '));
  const snapshot = canonicalJson({ header: stored.header, answers: stored.answers });
  return run(() =>
    ctx.db.transaction('rw', [ctx.db.audits, ctx.db.answers, ctx.db.seals, ctx.db.outbox], async () => {
      const [row, answerRows] = await Promise.all([
        ctx.db.audits.get(auditId),
        ctx.db.answers.where('auditId').equals(auditId).toArray(),
      ]);
      const current =
        row === undefined ? undefined : { header: parseHeader(row), answers: parseAnswers(answerRows) };
      if (current === undefined || canonicalJson(current) !== snapshot) {
        throw new StorageError('invalid', 'the audit changed while it was being sealed; finalise again');
      }
      await ctx.db.audits.put(finalised.value);
      await ctx.db.seals.add({
        auditId,
        hash: sealed.value.hash,
        envelope: sealed.value,
        sealedAt: sealed.value.payload.sealedAt,
      });
      // In the same transaction as the seal: no sealed revision without its way to the server, nor the reverse.
      await ctx.db.outbox.add(outboxRowOf(newOutboxEntry(sealed.value, ctx.now())));
      return finalised.value;
    }),
  );
}

/** The sealed envelope of a finalised audit, checked against its schema. */
export async function getSeal(ctx: StoreContext, auditId: string): Promise<SealedEnvelope | undefined> {
  const row = await run(() => ctx.db.seals.get(auditId));
  if (row === undefined) return undefined;
  const parsed = sealedEnvelopeSchema.safeParse(row.envelope);
  if (!parsed.success)
    throw new StorageError('corrupt', `stored seal of ${auditId} does not match the schema`);
  return parsed.data;
}

/** The fingerprint of this device's signing key (created on first use), for the settings screen. */
export async function deviceKeyFingerprint(ctx: StoreContext): Promise<string> {
  return (await run(() => getDeviceSigner(ctx.db, ctx.now))).fingerprint;
}
