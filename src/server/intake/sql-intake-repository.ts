import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import {
  auditFactFromEnvelope,
  enrolledKeySchema,
  holdReasonSchema,
  isShippedRubric,
  sealedEnvelopeSchema,
  storedRevisionSchema,
  toBase64Url,
  type EnrolledKey,
  type HoldReason,
  type IntakeChanges,
  type IntakeLookup,
  type IntakeQuery,
  type IntakeRepository,
} from '../../domain/head-office';
import { siteKeyAliases } from '../downsync/site-aliases';
import type { Database } from '../db/tables';
import type { BlobStorage } from '../store/blob-storage';
import { recordEnvelopeImages } from './envelope-images';

const lookupRowSchema = z.object({
  accepted: z.array(storedRevisionSchema),
  held: z.array(z.object({ auditId: z.string(), hash: z.string(), reason: holdReasonSchema })),
  keys: z.array(
    z.object({
      key_id: z.string(),
      public_key: z.unknown(),
      device_label: z.string(),
      auditor: z.string(),
      enrolled_at: z.string(),
      revoked_at: z.string().nullable(),
      revoked_reason: z.string().nullable(),
      user_id: z.number().int().nullable(),
    }),
  ),
  handOvers: z.array(z.object({ auditId: z.string(), toUserId: z.number().int(), at: z.string() })),
  anyHeldInScope: z.boolean(),
});

/** The owner id the intake decision compares for an account (see the domain's ownerOfKey). */
export const accountOwner = (userId: number): string => `user:${userId}`;

/** Where an envelope's received bytes are and when they arrived, by seal hash. */
export interface ReceivedEnvelope {
  readonly envelopeSha256: string;
  readonly receivedAt: string;
  readonly source: string;
}

export interface IntakeScope {
  /** Every envelope this transaction may store, by seal hash; held ones read back are added here. */
  readonly envelopes: Map<string, ReceivedEnvelope>;
  /**
   * Held entries to reconsider: only those of these lineages, or all when undefined. After an upload only a
   * predecessor in the same lineage can release anything, so an upload never re-reads unrelated held audits.
   */
  readonly lineages?: readonly string[] | undefined;
}

export function enrolledKeyOfRow(row: {
  key_id: string;
  public_key: unknown;
  device_label: string;
  auditor: string;
  enrolled_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}): EnrolledKey {
  return enrolledKeySchema.parse({
    version: 1,
    keyId: row.key_id,
    publicKey: row.public_key,
    deviceLabel: row.device_label,
    auditor: row.auditor,
    enrolledAt: row.enrolled_at.toISOString(),
    ...(row.revoked_at ? { revokedAt: row.revoked_at.toISOString() } : {}),
    ...(row.revoked_reason !== null ? { revokedReason: row.revoked_reason } : {}),
  });
}

/**
 * The domain's intake repository on SQL, bound to one transaction: everything runIntake looks up and
 * commits for one upload (or one reindex) becomes visible together or not at all. The caller holds the
 * advisory locks that keep concurrent uploads of one audit or lineage from deciding against the same state.
 */
export class SqlIntakeRepository implements IntakeRepository {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly blobs: BlobStorage,
    private readonly scope: IntakeScope,
  ) {}

  private received(sealHash: string): ReceivedEnvelope {
    const found = this.scope.envelopes.get(sealHash);
    // Programmer error: every envelope reaches intake through ingest or reindex, which register it.
    if (!found) throw new Error(`no received bytes recorded for seal ${sealHash}`);
    return found;
  }

  /**
   * Whether any held entry of the scope's lineages exists, as the last lookup found it (under the lineage
   * locks, so only this transaction's own writes can change it); undefined when unknown.
   */
  private isAnyHeldInScope: boolean | undefined;

  /**
   * One statement for what every upload asks (accepted and held revisions, the signer's key, and whether its
   * lineage has anything held): each statement is a round trip, and on PostgreSQL a socket write and a wake-up.
   */
  async lookup(query: IntakeQuery): Promise<IntakeLookup> {
    const { auditIds, lineageIds, keyIds, rubricFingerprints } = query;
    const { lineages } = this.scope;
    const { rows } = await sql<{ found: unknown }>`select json_build_object(
        'accepted', (select coalesce(json_agg(json_build_object('auditId', audit_id, 'lineageId', lineage_id,
                       'revision', revision, 'hash', seal_hash, 'signer', signer)), '[]'::json)
                     from accepted_revisions where audit_id = any(${[...auditIds]}::text[]) or lineage_id = any(${[...lineageIds]}::text[])),
        'held', (select coalesce(json_agg(json_build_object('auditId', audit_id, 'hash', seal_hash, 'reason', reason)), '[]'::json)
                 from held_entries where audit_id = any(${[...auditIds]}::text[])),
        'keys', (select coalesce(json_agg(json_build_object('key_id', key_id, 'public_key', public_key,
                   'device_label', device_label, 'auditor', auditor, 'enrolled_at', enrolled_at,
                   'revoked_at', revoked_at, 'revoked_reason', revoked_reason, 'user_id', user_id)), '[]'::json)
                 from device_keys where key_id = any(${[...keyIds]}::text[])),
        'handOvers', (select coalesce(json_agg(json_build_object('auditId', audit_id, 'toUserId', to_user_id, 'at', at) order by id), '[]'::json)
                      from hand_overs where lineage_id = any(${[...lineageIds]}::text[])),
        'anyHeldInScope', exists(select 1 from held_entries where lineage_id = any(${[...(lineages ?? [])]}::text[]))
      ) as found`.execute(this.trx);
    const found = lookupRowSchema.parse(rows[0]?.found);
    if (lineages !== undefined) this.isAnyHeldInScope = found.anyHeldInScope;
    const unshipped = rubricFingerprints.filter((f) => !isShippedRubric(f));
    const acceptedRubrics =
      unshipped.length === 0
        ? []
        : await this.trx
            .selectFrom('accepted_rubrics')
            .select('fingerprint')
            .where('fingerprint', 'in', unshipped)
            .execute();
    const known = new Set(acceptedRubrics.map((r) => r.fingerprint));
    return {
      accepted: found.accepted,
      held: found.held,
      keys: found.keys.map((k) => enrolledKeyOfRow({ ...k, enrolled_at: new Date(k.enrolled_at), revoked_at: k.revoked_at === null ? null : new Date(k.revoked_at) })),
      // A correction belongs to the account a key is enrolled to; a key enrolled by hand to no account
      // stands for the auditor named beside it (the domain's default).
      keyOwners: found.keys.flatMap((k) => (k.user_id === null ? [] : [{ keyId: k.key_id, owner: accountOwner(k.user_id) }])),
      handOvers: found.handOvers.map((h) => ({ auditId: h.auditId, toOwner: accountOwner(h.toUserId), at: new Date(h.at).toISOString() })),
      knownRubrics: rubricFingerprints.filter((f) => isShippedRubric(f) || known.has(f)),
    };
  }

  async commit(changes: IntakeChanges): Promise<void> {
    if (changes.hold.length > 0) this.isAnyHeldInScope = undefined;
    if (changes.release.length > 0)
      await this.trx.deleteFrom('held_entries').where('audit_id', 'in', [...changes.release]).execute();
    if (changes.accept.length > 0) {
      const facts = changes.accept.map(({ entry }) => auditFactFromEnvelope(entry.envelope));
      const aliases = await siteKeyAliases(this.trx, [...new Set(facts.map((f) => f.siteKey))]);
      await this.trx
        .insertInto('accepted_revisions')
        .values(
          changes.accept.map(({ entry, source }, index) => {
            const sealed = facts[index] ?? auditFactFromEnvelope(entry.envelope);
            // A site proposed offline and since accepted or merged is ranked under the site it became.
            const fact = { ...sealed, siteKey: aliases.get(sealed.siteKey) ?? sealed.siteKey };
            const received = this.received(entry.envelope.hash);
            return {
              audit_id: fact.auditId,
              lineage_id: fact.lineageId,
              revision: fact.revision,
              seal_hash: fact.hash,
              signer: entry.signer,
              rubric_id: fact.rubricId,
              rubric_fingerprint: fact.rubricFingerprint,
              site_key: fact.siteKey,
              site_name: fact.siteName,
              region: fact.region ?? null,
              auditor: fact.auditor,
              audited_at: fact.auditedAt,
              sealed_at: fact.sealedAt,
              earned_h: fact.earnedH,
              possible_h: fact.possibleH,
              percent_tenths: fact.percentTenths,
              facts: JSON.stringify(fact),
              envelope_sha256: received.envelopeSha256,
              source,
              received_at: received.receivedAt,
            };
          }),
        )
        .execute();
    }
    for (const { entry, reason, message, source } of changes.hold) {
      const { audit } = entry.envelope.payload;
      const received = this.received(entry.envelope.hash);
      const row = {
        audit_id: audit.id,
        lineage_id: audit.lineageId,
        revision: audit.revision,
        seal_hash: entry.envelope.hash,
        signer: entry.signer,
        reason,
        message,
        envelope_sha256: received.envelopeSha256,
        source,
        held_at: received.receivedAt,
      };
      // Held again for another reason than before (its key is enrolled now, its rubric is not): say why today.
      await this.trx
        .insertInto('held_entries')
        .values(row)
        .onConflict((oc) => oc.column('audit_id').doUpdateSet({ reason, message }))
        .execute();
    }
    // What each accepted or held envelope names decides who may read those images (GET /api/images).
    for (const { entry } of [...changes.accept, ...changes.hold])
      await recordEnvelopeImages(
        this.trx,
        this.received(entry.envelope.hash).envelopeSha256,
        entry.envelope.payload.blobs.map((b) => b.sha256),
      );
    if (changes.conflicts.length > 0)
      await this.trx
        .insertInto('conflicts')
        .values(
          changes.conflicts.map((c) => ({
            audit_id: c.auditId,
            lineage_id: c.lineageId,
            revision: c.revision,
            site_name: c.siteName,
            incoming_hash: c.incomingHash,
            incoming_signer: c.incomingSigner,
            incoming_envelope_sha256: this.scope.envelopes.get(c.incomingHash)?.envelopeSha256 ?? null,
            existing: JSON.stringify(c.existing),
            message: c.message,
            at: c.at,
            source: c.source,
          })),
        )
        .execute();
  }

  async heldEntries(): Promise<{ auditId: string; reason: HoldReason; entry: unknown; source: string }[]> {
    const { lineages } = this.scope;
    if (lineages?.length === 0 || this.isAnyHeldInScope === false) return [];
    let query = this.trx.selectFrom('held_entries').selectAll().orderBy('revision').orderBy('audit_id');
    if (lineages !== undefined) query = query.where('lineage_id', 'in', [...lineages]);
    const rows = await query.execute();
    const entries = [];
    for (const row of rows) {
      const bytes = await this.blobs.read(row.envelope_sha256);
      if (!bytes) throw new Error(`held audit ${row.audit_id}: its envelope ${row.envelope_sha256} is missing from the blob store`);
      const envelope: unknown = JSON.parse(new TextDecoder().decode(bytes));
      const parsed = sealedEnvelopeSchema.parse(envelope);
      const blobs = [];
      for (const blob of parsed.payload.blobs) {
        const image = await this.blobs.read(blob.sha256);
        if (!image) throw new Error(`held audit ${row.audit_id}: its ${blob.kind} ${blob.id} is missing from the blob store`);
        blobs.push({ id: blob.id, type: blob.type, base64url: toBase64Url(image) });
      }
      this.scope.envelopes.set(row.seal_hash, {
        envelopeSha256: row.envelope_sha256,
        receivedAt: row.held_at.toISOString(),
        source: row.source,
      });
      entries.push({
        auditId: row.audit_id,
        reason: holdReasonSchema.parse(row.reason),
        entry: { envelope, blobs },
        source: row.source,
      });
    }
    return entries;
  }
}
