import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { roleSchema, type Principal } from './roles';

export const SESSION_COOKIE = 'ducha_session';
/** A tablet stays signed in through two weeks offline; signing in again renews it. */
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** 32 random bytes, base64url: the only form of token the server ever issues. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const tokenHashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Opens a session: the token goes to the client once, only its hash is kept. */
export async function createSession(
  db: Kysely<Database>,
  userId: number,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db
    .insertInto('sessions')
    .values({ token_hash: tokenHashOf(token), user_id: userId, created_at: now.toISOString(), expires_at: expiresAt.toISOString() })
    .execute();
  return { token, expiresAt };
}

/** Who holds this token: undefined when it is malformed, unknown, expired, revoked, or its user is disabled. */
export async function principalOfToken(db: Kysely<Database>, token: string, now: Date = new Date()): Promise<Principal | undefined> {
  if (!tokenPattern.test(token)) return undefined;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.role', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHashOf(token))
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const role = roleSchema.parse(row.role);
  const sites =
    role === 'site-manager'
      ? await db.selectFrom('user_sites').select('site_key').where('user_id', '=', row.id).orderBy('site_key').execute()
      : [];
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role,
    siteKeys: sites.map((s) => s.site_key),
    sessionExpiresAt: row.expires_at.toISOString(),
  };
}

export async function revokeSession(db: Kysely<Database>, token: string, now: Date = new Date()): Promise<void> {
  if (!tokenPattern.test(token)) return;
  await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('token_hash', '=', tokenHashOf(token))
    .where('revoked_at', 'is', null)
    .execute();
}

/** Signs a user out everywhere (disabled, or the password was reset). */
export async function revokeUserSessions(db: Kysely<Database>, userId: number, now: Date = new Date()): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
