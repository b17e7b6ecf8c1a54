import type { Kysely } from 'kysely';
import {
  enrolKey,
  fail,
  findKey,
  isShippedRubric,
  ok,
  revokeKey,
  type EnrolledKey,
  type KeyFileContent,
  type Result,
} from '../../domain/head-office';
import type { Database } from '../db/tables';
import { enrolledKeyOfRow } from './sql-intake-repository';

/**
 * The server's key register, with the domain's rules (enrolKey, revokeKey). For now these are called by
 * tests and, later, by the admin API and `ducha server keys`: nothing over HTTP enrols a key yet.
 */
export async function keyRegister(db: Kysely<Database>): Promise<EnrolledKey[]> {
  const rows = await db.selectFrom('device_keys').selectAll().orderBy('enrolled_at').orderBy('key_id').execute();
  return rows.map(enrolledKeyOfRow);
}

/** Enrols a key read from a `.ducha-key` file, only with the fingerprint the tablet shows (as `ducha keys add`). */
export async function enrolDeviceKey(
  db: Kysely<Database>,
  content: KeyFileContent,
  confirm: { fingerprint: string; at: string; deviceLabel?: string; auditor?: string; userId?: number },
): Promise<Result<EnrolledKey>> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('device_keys').selectAll().where('key_id', '=', content.keyId).execute();
    const entry = enrolKey(existing.map(enrolledKeyOfRow), content, confirm);
    if (!entry.ok) return entry;
    const key = entry.value;
    await trx
      .insertInto('device_keys')
      .values({
        key_id: key.keyId,
        public_key: JSON.stringify(key.publicKey),
        device_label: key.deviceLabel,
        auditor: key.auditor,
        enrolled_at: key.enrolledAt,
        revoked_at: null,
        revoked_reason: null,
        user_id: confirm.userId ?? null,
      })
      .execute();
    return ok(key);
  });
}

/** Revokes an enrolled key (by fingerprint): what it sealed from then on is refused. */
export async function revokeDeviceKey(
  db: Kysely<Database>,
  fingerprint: string,
  at: string,
  reason?: string,
): Promise<Result<EnrolledKey>> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('device_keys').selectAll().execute();
    const found = findKey(rows.map(enrolledKeyOfRow), fingerprint);
    if (!found.ok) return found;
    const revoked = revokeKey(found.value, at, reason);
    if (!revoked.ok) return revoked;
    const { revokedAt } = revoked.value;
    if (revokedAt === undefined) return fail([{ path: 'keyId', message: 'the key was not revoked' }]);
    await trx
      .updateTable('device_keys')
      .set({ revoked_at: revokedAt, revoked_reason: revoked.value.revokedReason ?? null })
      .where('key_id', '=', revoked.value.keyId)
      .execute();
    return ok(revoked.value);
  });
}

/** Accepts a rubric version Ducha does not ship; false when it is shipped or already accepted. */
export async function acceptRubric(db: Kysely<Database>, fingerprint: string, rubricId: string, at: string): Promise<boolean> {
  if (isShippedRubric(fingerprint)) return false;
  const inserted = await db
    .insertInto('accepted_rubrics')
    .values({ fingerprint, rubric_id: rubricId, accepted_at: at })
    .onConflict((oc) => oc.column('fingerprint').doNothing())
    .executeTakeFirst();
  return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
}
