/**
 * Scores are kept in integer hundredths, so every number in a rubric must be exact at two decimals.
 * Decided on the number's shortest decimal form (what String gives), with no tolerance: a tolerance let
 * 5.000000001 through and then silently rounded it, and 1e-9 prints in exponent form, which is refused.
 */
export const hasAtMostTwoDecimals = (n: number): boolean => /^-?\d+(\.\d{1,2})?$/.test(String(n));
