import { describe, expect, it } from 'vitest';
import { applyFactor, fromHundredths, percentTenths, toHundredths } from './hundredths';

describe('hundredths arithmetic', () => {
  it.each([
    // points, factor %, expected hundredths
    [5, 80, 400],
    [3, 60, 180],
    [25, 80, 2000],
    [0.05, 80, 4],
    [0.01, 50, 1], // 0.005 rounds half up to 0.01
    [0.01, 40, 0], // 0.004 rounds down
  ])('%d points × %d%% = %d hundredths', (points, factor, expected) => {
    expect(applyFactor(toHundredths(points), factor)).toBe(expected);
  });

  it('sums that drift in floats stay exact', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004; in hundredths it is 30.
    expect(fromHundredths(toHundredths(0.1) + toHundredths(0.2))).toBe(0.3);
    expect(fromHundredths(7340)).toBe(73.4);
  });

  it.each([
    [15880, 16000, 993], // 99.25 % rounds half up to 99.3
    [6300, 9500, 663], // 66.315… → 66.3
    [1, 3, 333],
    [2, 3, 667],
    [0, 100, 0],
    [100, 100, 1000],
  ])('percent of %d / %d = %d tenths', (earned, possible, tenths) => {
    expect(percentTenths(earned, possible)).toBe(tenths);
  });

  it('percent is null when nothing was applicable', () => {
    expect(percentTenths(0, 0)).toBeNull();
  });
});
