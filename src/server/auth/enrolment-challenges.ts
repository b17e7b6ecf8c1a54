import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

/** Long enough to sign on a slow tablet, short enough that a nonce seen over a shoulder is soon worthless. */
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;

/** A fresh nonce for this session's user to sign; expired ones of anyone are swept on the way. */
export async function issueChallenge(
  db: Kysely<Database>,
  sessionHash: string,
  userId: number,
  now = new Date(),
): Promise<{ nonce: string; expiresAt: string }> {
  await db.deleteFrom('enrolment_challenges').where('expires_at', '<', now).execute();
  const nonce = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + CHALLENGE_LIFETIME_MS).toISOString();
  await db.insertInto('enrolment_challenges').values({ nonce, session_hash: sessionHash, user_id: userId, expires_at: expiresAt }).execute();
  return { nonce, expiresAt };
}

export type ChallengeCheck = 'ok' | 'unknown' | 'expired';

/**
 * Uses up a nonce: deleted in the same statement that finds it, so of two enrolments racing with one nonce on
 * any number of servers only one gets it. A nonce issued to another session or account is not found at all.
 */
export async function takeChallenge(
  db: Kysely<Database>,
  nonce: string,
  sessionHash: string,
  userId: number,
  now = new Date(),
): Promise<ChallengeCheck> {
  const taken = await db
    .deleteFrom('enrolment_challenges')
    .where('nonce', '=', nonce)
    .where('session_hash', '=', sessionHash)
    .where('user_id', '=', userId)
    .returning('expires_at')
    .executeTakeFirst();
  if (!taken) return 'unknown';
  return taken.expires_at.getTime() <= now.getTime() ? 'expired' : 'ok';
}
