import { z } from 'zod';
import { hasAtMostTwoDecimals } from '../../rubric/exact-number';

/** The largest figure or rule number: keeps every product of hundredths (points × figure) exact in a double. */
export const METRIC_MAX = 1_000_000;

/** A non-negative number with at most two decimals, at most METRIC_MAX: exact in integer hundredths. */
export const metricNumber = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .min(0, `${what} must not be negative`)
    .max(METRIC_MAX, `${what} must be at most ${METRIC_MAX}`)
    .refine(hasAtMostTwoDecimals, `${what} must have at most two decimals`);

const positive = (what: string) => metricNumber(what).refine((n) => n > 0, `${what} must be greater than 0`);

/**
 * points × actual / target, never above points; 0 below `floor` (客户满意率低于90%不得分; 区间段内线性得分,
 * 即实际满意率/98%). The unit's `target` is the divisor.
 */
export const linearRuleSchema = z.strictObject({
  type: z.literal('linear'),
  floor: metricNumber('floor').optional(),
});

/**
 * A band of a steps rule: between `from` (better) and `to` (worse), each full `per` short loses `deduct`
 * points (受理量2200-1800个,每少100个,扣1分).
 */
export const stepBandSchema = z.strictObject({
  from: metricNumber('from'),
  to: metricNumber('to'),
  per: positive('per'),
  deduct: positive('deduct'),
});

/** Bands from the best figure down, contiguous; below `zeroBelow` nothing is earned (低于1500个,不得分). */
export const stepsRuleSchema = z.strictObject({
  type: z.literal('steps'),
  bands: z.array(stepBandSchema).min(1, 'bands must not be empty'),
  zeroBelow: metricNumber('zeroBelow').optional(),
});

/** `deduct` points per occurrence (每例…), never below 0; the figure is a count. */
export const perEventRuleSchema = z.strictObject({
  type: z.literal('per_event'),
  deduct: positive('deduct'),
});

export const metricRuleTypes = ['linear', 'steps', 'per_event'] as const;
export const metricRuleSchema = z.discriminatedUnion('type', [linearRuleSchema, stepsRuleSchema, perEventRuleSchema], {
  error: `rule type must be one of ${metricRuleTypes.join(', ')}`,
});
export type MetricRule = z.infer<typeof metricRuleSchema>;
export type StepsRule = z.infer<typeof stepsRuleSchema>;
