import { z } from 'zod';

export const CALL_TIMING_VERSION = 1;

const instant = z.iso.datetime({ offset: true, error: '必须是带时区的 ISO 8601 时间' });

/**
 * A mystery call timed on the tablet, kept with the answer of the unit it is evidence for (KF01 3,
 * 铃响三声内接听): when the auditor dialled (拨出), when the call was answered (接通), when it ended (挂断), and
 * the rings counted by ear. Every part is optional (a call never answered has no 接通; rings may be counted
 * without the timer). The grade stays the auditor's decision; this is what it was based on.
 */
export const callTimingSchema = z
  .strictObject({
    version: z.literal(CALL_TIMING_VERSION),
    dialledAt: instant.optional(),
    answeredAt: instant.optional(),
    hungUpAt: instant.optional(),
    rings: z
      .number()
      .int('铃声次数必须是整数')
      .min(0, '铃声次数不能为负')
      .max(99, '铃声次数不能超过 99')
      .optional(),
  })
  .superRefine((timing, ctx) => {
    const at = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
    const dialled = at(timing.dialledAt);
    const answered = at(timing.answeredAt);
    const hungUp = at(timing.hungUpAt);
    if (answered !== undefined && dialled === undefined)
      ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: '接通前必须先记录拨出' });
    if (answered !== undefined && dialled !== undefined && answered < dialled)
      ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: '接通时间早于拨出时间' });
    if (hungUp !== undefined && dialled === undefined)
      ctx.addIssue({ code: 'custom', path: ['hungUpAt'], message: '挂断前必须先记录拨出' });
    const start = answered ?? dialled;
    if (hungUp !== undefined && start !== undefined && hungUp < start)
      ctx.addIssue({ code: 'custom', path: ['hungUpAt'], message: '挂断时间早于接通(或拨出)时间' });
  });
export type CallTiming = z.infer<typeof callTimingSchema>;

/** Where a call timer is offered, and the threshold the seed states for it. Data, not code: one entry per unit. */
export interface TimedUnit {
  readonly rubricId: string;
  readonly unitId: string;
  /** 铃响三声内接听: answered within this many rings. */
  readonly maxRings: number;
}

export const TIMED_UNITS: readonly TimedUnit[] = [{ rubricId: 'KF01', unitId: '3', maxRings: 3 }];

export const timedUnitOf = (rubricId: string, unitId: string): TimedUnit | undefined =>
  TIMED_UNITS.find((u) => u.rubricId === rubricId && u.unitId === unitId);

export interface CallTimingSummary {
  /** 拨出 → 接通, whole milliseconds; null until both are recorded. */
  readonly answerMs: number | null;
  /** 接通 → 挂断 (the call's length), whole milliseconds; null until both are recorded. */
  readonly callMs: number | null;
  /** 拨出 → 挂断 without an answer: how long it rang before the caller gave up. */
  readonly unansweredMs: number | null;
  readonly rings: number | null;
  /** Rings counted and more than the threshold: shown beside the grade, never applied to it. */
  readonly isOverRings: boolean | null;
}

const span = (from: string | undefined, to: string | undefined): number | null =>
  from === undefined || to === undefined ? null : Date.parse(to) - Date.parse(from);

export function summarizeCallTiming(timing: CallTiming, unit: TimedUnit): CallTimingSummary {
  return {
    answerMs: span(timing.dialledAt, timing.answeredAt),
    callMs: span(timing.answeredAt, timing.hungUpAt),
    unansweredMs: timing.answeredAt === undefined ? span(timing.dialledAt, timing.hungUpAt) : null,
    rings: timing.rings ?? null,
    isOverRings: timing.rings === undefined ? null : timing.rings > unit.maxRings,
  };
}

/** Milliseconds as seconds with one decimal, half up ("8.3"). */
export function secondsText(ms: number): string {
  const tenths = Math.floor((ms + 50) / 100);
  return `${String(Math.floor(tenths / 10))}.${String(tenths % 10)}`;
}

/** The evidence in words, as the sheet and the form print it: "接通用时 8.3 秒;通话 45.0 秒;铃响 2 声(标准:3 声内)". */
export function callTimingText(timing: CallTiming, unit: TimedUnit): string {
  const s = summarizeCallTiming(timing, unit);
  const parts: string[] = [];
  if (s.answerMs !== null) parts.push(`接通用时 ${secondsText(s.answerMs)} 秒`);
  if (s.unansweredMs !== null) parts.push(`拨出 ${secondsText(s.unansweredMs)} 秒后挂断,未接通`);
  if (s.callMs !== null) parts.push(`通话 ${secondsText(s.callMs)} 秒`);
  if (s.rings !== null) parts.push(`铃响 ${String(s.rings)} 声`);
  return parts.length === 0 ? '' : `计时:${parts.join(';')}(标准:铃响 ${String(unit.maxRings)} 声内接听)`;
}
