import { METRIC_MAX } from './metric-schema';

export type FigureProblem = 'empty' | 'not_a_number' | 'too_many_decimals' | 'too_large';

/**
 * A figure as a person types it or a CSV cell holds it ("96.5", "1,750", " 2 "), read exactly: digits with at most
 * two decimals, thousands separators allowed, no sign, no exponent. The number returned has at most two decimals,
 * so toHundredths is exact on it.
 */
export function readFigure(text: string): { ok: true; value: number } | { ok: false; problem: FigureProblem } {
  const plain = text.trim().replace(/(\d),(?=\d{3}(?:\D|$))/g, '$1');
  if (plain === '') return { ok: false, problem: 'empty' };
  const match = /^(\d+)(?:\.(\d+))?$/.exec(plain);
  if (match === null) return { ok: false, problem: 'not_a_number' };
  if ((match[2] ?? '').length > 2) return { ok: false, problem: 'too_many_decimals' };
  const value = Number(plain);
  if (value > METRIC_MAX) return { ok: false, problem: 'too_large' };
  return { ok: true, value };
}
