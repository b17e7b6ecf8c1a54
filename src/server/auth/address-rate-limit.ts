/**
 * At most `perMinute` requests per client address in any 60 s, counted in this process: the public
 * verification routes re-make a PDF (seconds of CPU) for anyone, so one address must not take the server.
 * Addresses are forgotten once their minute has passed, so the map stays small.
 */
export class AddressRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(readonly perMinute: number) {}

  /** Records a request and answers 0, or answers the seconds to wait and records nothing. */
  take(address: string, now: number = Date.now()): number {
    const windowStart = now - 60_000;
    if (this.recent.size > 10_000)
      for (const [key, times] of this.recent) if (times.every((t) => t <= windowStart)) this.recent.delete(key);
    const times = (this.recent.get(address) ?? []).filter((t) => t > windowStart);
    const oldest = times[0];
    if (times.length >= this.perMinute && oldest !== undefined) return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
    times.push(now);
    this.recent.set(address, times);
    return 0;
  }
}
