/** The first retry waits about this long; each failure doubles it. */
export const BACKOFF_BASE_MS = 5_000;
/** Never longer than this between tries: a tablet back in signal should not wait long for its next try. */
export const BACKOFF_CAP_MS = 15 * 60_000;

/**
 * How long to wait before try `failures + 1`, after `failures` failed tries (1 or more): exponential, capped, with
 * "equal jitter" (half fixed, half random) so tablets that lost the network together do not all come back in the
 * same second. `random` is in [0, 1). A server's Retry-After (seconds) is a floor, never shortened by jitter.
 */
export function backoffDelayMs(failures: number, random: number, retryAfterSeconds?: number): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  const jittered = Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
  const floor = retryAfterSeconds === undefined ? 0 : Math.round(retryAfterSeconds * 1000);
  return Math.max(jittered, floor);
}
