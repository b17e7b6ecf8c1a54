import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  it.each([
    // failures, random, expected ms: ceiling = min(15 min, 5 s × 2^(failures−1)); delay = ceiling/2 + ceiling/2 × random
    [1, 0, 2_500], // 5 s ceiling, lowest jitter: half of it
    [1, 0.999_999, 5_000], // rounds to the whole ceiling
    [2, 0.5, 7_500], // 10 s ceiling: 5 s + 2.5 s
    [3, 0, 10_000], // 20 s ceiling
    [5, 0.25, 50_000], // 80 s ceiling: 40 s + 10 s
    [8, 0, 320_000], // 640 s ceiling: 320 s
    [9, 0, 450_000], // 1280 s capped to 900 s: 450 s
    [1000, 0.5, 675_000], // capped, no overflow: 450 s + 225 s
  ])('after %i failures with random %f waits %i ms', (failures, random, expected) => {
    expect(backoffDelayMs(failures, random)).toBe(expected);
  });

  it('never waits longer than the cap, whatever the jitter', () => {
    expect(backoffDelayMs(40, 0.999_999)).toBe(BACKOFF_CAP_MS);
  });

  it("honours a server's Retry-After as a floor, and ignores it when the backoff is longer", () => {
    expect(backoffDelayMs(1, 0, 120)).toBe(120_000);
    expect(backoffDelayMs(8, 0, 30)).toBe(320_000);
  });
});
