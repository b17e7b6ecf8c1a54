import { sql } from 'kysely';
import { z } from 'zod';
import { holdReasonSchema, keyId, strictPublicKeyJwkSchema, type HoldReason, type Issue, type StoredRevision, type TamperFinding } from '../../domain/head-office';
import type { ServerServices } from '../services';
import { judgeEnvelope, parseReceived, type ImageNamingScope, type MissingImage } from './judge-envelope';
import { takeIn } from './take-in';

export type IngestOutcome =
  | {
      readonly kind: 'stored';
      readonly auditId: string;
      readonly revision: number;
      readonly sealHash: string;
      /** Held revisions of the same lineage this one released (they were waiting for it). */
      readonly released: readonly string[];
    }
  | { readonly kind: 'unchanged'; readonly auditId: string; readonly sealHash: string }
  | {
      readonly kind: 'held';
      readonly auditId: string;
      readonly sealHash: string;
      readonly reason: HoldReason;
      readonly message: string;
    }
  | {
      readonly kind: 'conflict';
      readonly auditId: string;
      readonly message: string;
      readonly incomingHash: string;
      readonly existing: StoredRevision;
    }
  | { readonly kind: 'not-json'; readonly message: string }
  | { readonly kind: 'malformed'; readonly issues: readonly Issue[] }
  | { readonly kind: 'tampered'; readonly auditId: string; readonly findings: readonly TamperFinding[] }
  | { readonly kind: 'missing-images'; readonly auditId: string; readonly missing: readonly MissingImage[] }
  | { readonly kind: 'revoked-key'; readonly auditId: string; readonly message: string }
  | { readonly kind: 'key-not-enrolled'; readonly auditId: string; readonly signer: string; readonly message: string };

export interface IngestOptions {
  /** Asked once the seal is verified, before anything is written: a reason refuses the upload. */
  readonly authorise?: (signer: string) => Promise<string | undefined>;
  /**
   * Which named images the sender may name: sealing a hash one never sent would otherwise grant reading it
   * (GET /api/images follows the audits) and confirm that it exists. Absent: any stored image (reindex).
   */
  readonly mayName?: ImageNamingScope;
}

const claimSchema = z.looseObject({
  payload: z.looseObject({ audit: z.looseObject({ id: z.string() }), publicKey: strictPublicKeyJwkSchema }),
});

/** Whose key an envelope says sealed it, before anything is verified; undefined when it does not say. */
function claimedSignerOf(bytes: Uint8Array): { signer: string; auditId: string } | undefined {
  const received = parseReceived(bytes);
  if (!received.ok) return undefined;
  const claim = claimSchema.safeParse(received.value);
  return claim.success ? { signer: keyId(claim.data.payload.publicKey), auditId: claim.data.payload.audit.id } : undefined;
}

/** The same seal already here: nothing to write, nothing to decide. One statement: it runs on every upload. */
async function alreadyHere(services: ServerServices, auditId: string, sealHash: string): Promise<IngestOutcome | undefined> {
  const rows = await services.db
    .selectFrom('accepted_revisions')
    .select([sql.lit('accepted').as('place'), 'seal_hash', sql<string | null>`null`.as('reason'), sql<string | null>`null`.as('message')])
    .where('audit_id', '=', auditId)
    .unionAll((eb) =>
      eb
        .selectFrom('held_entries')
        .select([sql.lit('held').as('place'), 'seal_hash', 'reason', 'message'])
        .where('audit_id', '=', auditId),
    )
    .execute();
  const accepted = rows.find((r) => r.place === 'accepted');
  if (accepted?.seal_hash === sealHash) return { kind: 'unchanged', auditId, sealHash };
  if (accepted) return undefined;
  const held = rows.find((r) => r.place === 'held');
  if (held?.seal_hash !== sealHash) return undefined;
  return { kind: 'held', auditId, sealHash, reason: holdReasonSchema.parse(held.reason), message: held.message ?? '' };
}

/**
 * One sealed audit upload, durable before it is answered:
 * 1. judged over the exact bytes received, its images read from the blob store (all must be uploaded);
 * 2. the same seal already accepted or held: answered at once, nothing written;
 * 3. the received bytes written to the blob store, fsynced;
 * 4. in one database transaction: the audit's and lineage's intake locks, a receipt to the receipt log
 *    (fsynced, named in the order the locks grant), the domain's intake decision and its writes;
 * 5. only then an answer. A crash after the receipt and before the commit leaves a receipt that reindex (or
 *    the client's retry) completes; a crash while writing leaves only a temporary file that the next start
 *    sweeps away.
 */
export async function ingestAudit(
  services: ServerServices,
  bytes: Uint8Array,
  source: string,
  options: IngestOptions = {},
): Promise<IngestOutcome> {
  // The key the envelope claims, asked about before its images are looked up: "not your key" is the answer to
  // give, not "upload the images" for an envelope this sender may never send. The seal, verified next, binds
  // the signer to this very key, so the claim is what is authorised.
  const claim = claimedSignerOf(bytes);
  const claimRefusal = claim && (await options.authorise?.(claim.signer));
  if (claim && claimRefusal !== undefined)
    return { kind: 'key-not-enrolled', auditId: claim.auditId, signer: claim.signer, message: claimRefusal };
  const judgement = await judgeEnvelope(bytes, services.blobs, options.mayName);
  if (judgement.kind !== 'valid') return judgement;
  const { entry } = judgement;
  const { audit } = entry.envelope.payload;
  const refusal = entry.signer === claim?.signer ? undefined : await options.authorise?.(entry.signer);
  if (refusal !== undefined) return { kind: 'key-not-enrolled', auditId: audit.id, signer: entry.signer, message: refusal };
  const sealHash = entry.envelope.hash;
  const known = await alreadyHere(services, audit.id, sealHash);
  if (known) return known;

  const { sha256: envelopeSha256 } = await services.blobs.put(bytes);
  const report = await takeIn(services.db, services.blobs, entry, async () => {
    // Stamped under the audit's lock: the time and the receipt's name follow the order of the decisions.
    const received = { envelopeSha256, receivedAt: services.receipts.stamp(), source };
    await services.receipts.record({ version: 1, ...received });
    return received;
  });

  const accepted = report.accepted.find((a) => a.auditId === audit.id);
  if (accepted)
    return {
      kind: 'stored',
      auditId: audit.id,
      revision: audit.revision,
      sealHash,
      released: report.released.filter((id) => id !== audit.id),
    };
  if (report.unchanged.includes(audit.id)) return { kind: 'unchanged', auditId: audit.id, sealHash };
  const conflict = report.conflicts.find((c) => c.auditId === audit.id);
  if (conflict)
    return {
      kind: 'conflict',
      auditId: audit.id,
      message: conflict.message,
      incomingHash: conflict.incomingHash,
      existing: conflict.existing,
    };
  const held = report.held.find((h) => h.auditId === audit.id);
  if (held) return { kind: 'held', auditId: audit.id, sealHash, reason: held.reason, message: held.message };
  const refused = report.refused.find((r) => r.auditId === audit.id);
  if (refused) return { kind: 'revoked-key', auditId: audit.id, message: refused.reason };
  throw new Error(`intake said nothing about audit ${audit.id}`);
}
