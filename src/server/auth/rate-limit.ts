import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';

export const LOGIN_WINDOW_MS = 60_000;
export const LOGIN_FAILURES_ALLOWED = 5;

/**
 * Seconds until this username may be tried again from this address, or 0. Counted from the audit log's
 * failed sign-ins, so every server instance on one database sees the same count (stateless servers).
 */
export async function loginRetryAfter(db: Kysely<Database>, username: string, ip: string, now: Date = new Date()): Promise<number> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const failures = await db
    .selectFrom('audit_log')
    .select('at')
    .where('action', '=', 'login-failed')
    .where('target', '=', username.toLowerCase())
    .where('ip', '=', ip)
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .limit(LOGIN_FAILURES_ALLOWED)
    .execute();
  const oldest = failures[LOGIN_FAILURES_ALLOWED - 1];
  if (!oldest) return 0;
  return Math.max(1, Math.ceil((oldest.at.getTime() + LOGIN_WINDOW_MS - now.getTime()) / 1000));
}

/**
 * At most `perMinute` uploads per user in any 60 s, counted in this process: a burst from one account
 * (a runaway tablet, a stolen session) cannot starve the others. Per instance, so behind a load balancer
 * each instance allows this many. A bundle counts every audit it offers.
 */
export class UploadRateLimiter {
  private readonly recent = new Map<number, number[]>();

  constructor(readonly perMinute: number) {}

  /** Records an upload and answers 0, or answers the seconds to wait and records nothing. */
  take(userId: number, now: number = Date.now()): number {
    return this.takeMany(userId, 1, now);
  }

  /**
   * Records `count` uploads at once and answers 0, or answers the seconds until all of them fit and records
   * none: all or nothing. Infinity when `count` is more than one minute allows (they never fit together).
   */
  takeMany(userId: number, count: number, now: number = Date.now()): number {
    if (count > this.perMinute) return Infinity;
    const windowStart = now - 60_000;
    const times = (this.recent.get(userId) ?? []).filter((t) => t > windowStart);
    this.recent.set(userId, times);
    const excess = times.length + count - this.perMinute;
    // Times are in arrival order: once the excess oldest have left the window, the count fits.
    const freedBy = excess > 0 ? times[excess - 1] : undefined;
    if (freedBy !== undefined) return Math.max(1, Math.ceil((freedBy + 60_000 - now) / 1000));
    for (let i = 0; i < count; i++) times.push(now);
    return 0;
  }
}
