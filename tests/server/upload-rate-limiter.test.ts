import { describe, expect, it } from 'vitest';
import { UploadRateLimiter } from '../../src/server/auth/rate-limit';

// Times are given, never waited for: the limiter is a pure function of the moments it is told.
describe('UploadRateLimiter: uploads per account per minute, many at once all or nothing', () => {
  it('takes a batch only when all of it fits, says when it will, and records nothing when it does not', () => {
    const limiter = new UploadRateLimiter(5);
    expect(limiter.takeMany(1, 3, 0)).toBe(0);
    expect(limiter.takeMany(1, 1, 10_000)).toBe(0);
    // 4 used: a batch of 2 needs the upload at 0 s to leave the window (at 60 s): 40 s from 20 s.
    expect(limiter.takeMany(1, 2, 20_000)).toBe(40);
    // Nothing was recorded by the refusal: one still fits.
    expect(limiter.take(1, 20_000)).toBe(0);
    // Full: a batch of 4 waits for the three at 0 s and the one at 10 s: 70 s, i.e. 50 s from 20 s.
    expect(limiter.takeMany(1, 4, 20_000)).toBe(50);
    expect(limiter.takeMany(1, 4, 70_001)).toBe(0);
    // Another account is counted apart.
    expect(limiter.takeMany(2, 5, 20_000)).toBe(0);
  });

  it('answers Infinity for a batch larger than a whole minute allows', () => {
    const limiter = new UploadRateLimiter(5);
    expect(limiter.takeMany(1, 6, 0)).toBe(Infinity);
    expect(limiter.takeMany(1, 5, 0)).toBe(0);
  });
});
