/**
 * Exact point arithmetic. Points live as integer hundredths (12.5 points = 1250) and factors as integer
 * percents (0.8 = 80), so sums never pick up float noise; numbers become decimals only at the edge.
 */

/** Points from a validated rubric (at most two decimals) as integer hundredths. */
export const toHundredths = (points: number): number => Math.round(points * 100);

/** A factor within [0, 1] with at most two decimals as an integer percent. */
export const toPercentFactor = (factor: number): number => Math.round(factor * 100);

/** Integer hundredths as a plain number with at most two decimals (7340 → 73.4). */
export const fromHundredths = (hundredths: number): number => hundredths / 100;

/** Divides non-negative integers, rounding half up. */
export const divideHalfUp = (numerator: number, denominator: number): number =>
  Math.floor((2 * numerator + denominator) / (2 * denominator));

/** points × factor, rounded half up to a hundredth of a point. */
export const applyFactor = (pointsHundredths: number, factorPercent: number): number =>
  divideHalfUp(pointsHundredths * factorPercent, 100);

/** earned / possible × 100 in tenths of a percent, rounded half up; null when nothing was applicable. */
export const percentTenths = (earnedHundredths: number, possibleHundredths: number): number | null =>
  possibleHundredths === 0 ? null : divideHalfUp(earnedHundredths * 1000, possibleHundredths);

/** Tenths of a percent as a plain number with at most one decimal (734 → 73.4). */
export const fromTenths = (tenths: number): number => tenths / 10;
