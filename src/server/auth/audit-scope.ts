import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import type { Principal } from './roles';

/**
 * Whether a signed-in user may read one received audit: admins every one; an auditor those sealed by a key
 * enrolled to them; a site manager the accepted audits of their sites (held ones are not yet for comparison).
 */
export async function mayReadAudit(
  db: Kysely<Database>,
  principal: Principal,
  audit: { readonly signer: string; readonly siteKey: string | undefined },
): Promise<boolean> {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'auditor': {
      const key = await db.selectFrom('device_keys').select('user_id').where('key_id', '=', audit.signer).executeTakeFirst();
      return key?.user_id === principal.userId;
    }
    case 'site-manager':
      return audit.siteKey !== undefined && principal.siteKeys.includes(audit.siteKey);
  }
}

/** Why an auditor may not upload what this key sealed, or undefined when the key is enrolled to them. */
export async function keyRefusalFor(db: Kysely<Database>, principal: Principal, signer: string): Promise<string | undefined> {
  const key = await db
    .selectFrom('device_keys')
    .leftJoin('users', 'users.id', 'device_keys.user_id')
    .select(['device_keys.user_id', 'device_keys.auditor', 'device_keys.device_label', 'users.username'])
    .where('device_keys.key_id', '=', signer)
    .executeTakeFirst();
  const fingerprint = signer.slice(0, 16);
  if (!key)
    return `the audit is sealed by key ${fingerprint}…, which is not enrolled to ${principal.username}: sign in on that tablet to enrol it`;
  if (key.user_id === principal.userId) return undefined;
  const whose =
    key.username !== null
      ? `enrolled to ${key.username} (${key.auditor}, ${key.device_label})`
      : `enrolled by hand for ${key.auditor} (${key.device_label}), to no account`;
  return `the audit is sealed by key ${fingerprint}…, ${whose}, not to ${principal.username}: only its own auditor uploads what a tablet sealed`;
}
