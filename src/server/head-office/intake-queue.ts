import type { Kysely } from 'kysely';
import { storedRevisionSchema } from '../../domain/head-office';
import { heldAuditSchema, type ConflictEntry, type HeldAudit } from '../../domain/wire';
import type { Database } from '../db/tables';

/** More than a person reads on one screen; the rest wait for these to be dealt with. */
export const QUEUE_LIMIT = 500;

type Signer = HeldAudit['signer'];

async function signersOf(db: Kysely<Database>, keyIds: readonly string[]): Promise<(keyId: string) => Signer> {
  const unique = [...new Set(keyIds)];
  const rows =
    unique.length === 0
      ? []
      : await db.selectFrom('device_keys').select(['key_id', 'device_label', 'auditor', 'revoked_at']).where('key_id', 'in', unique).execute();
  const byId = new Map(rows.map((r) => [r.key_id, r]));
  return (keyId) => {
    const row = byId.get(keyId);
    return {
      keyId,
      deviceLabel: row?.device_label ?? null,
      auditor: row?.auditor ?? null,
      revoked: row !== undefined && row.revoked_at !== null,
    };
  };
}

/** Held audits, oldest first: the order they came in and wait to be decided on. */
export async function heldAuditsOf(db: Kysely<Database>): Promise<HeldAudit[]> {
  const rows = await db.selectFrom('held_entries').selectAll().orderBy('held_at').orderBy('audit_id').limit(QUEUE_LIMIT).execute();
  const signer = await signersOf(db, rows.map((r) => r.signer));
  // The reason column is checked by the table's constraint; parsing still says so if a row ever disagrees.
  return rows.map((row) =>
    heldAuditSchema.parse({
      auditId: row.audit_id,
      lineageId: row.lineage_id,
      revision: row.revision,
      sealHash: row.seal_hash,
      signer: signer(row.signer),
      reason: row.reason,
      message: row.message,
      source: row.source,
      heldAt: row.held_at.toISOString(),
    }),
  );
}

/** Conflicts, newest first. */
export async function conflictsOf(db: Kysely<Database>): Promise<ConflictEntry[]> {
  const rows = await db.selectFrom('conflicts').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(QUEUE_LIMIT).execute();
  const signer = await signersOf(db, rows.map((r) => r.incoming_signer));
  return rows.map((row) => ({
    id: row.id,
    auditId: row.audit_id,
    lineageId: row.lineage_id,
    revision: row.revision,
    siteName: row.site_name,
    incomingHash: row.incoming_hash,
    incomingSigner: signer(row.incoming_signer),
    existing: storedRevisionSchema.parse(row.existing),
    message: row.message,
    at: row.at.toISOString(),
    source: row.source,
  }));
}
