import { describe, expect, it } from 'vitest';
import { formatPath } from '../result';
import {
  callTimingSchema,
  callTimingText,
  secondsText,
  summarizeCallTiming,
  timedUnitOf,
  type CallTiming,
} from './call-timing';

const kf01Item3 = timedUnitOf('KF01', '3');
if (!kf01Item3) throw new Error('KF01 3 must be timed');

const issuesOf = (input: unknown) => {
  const parsed = callTimingSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
};

describe('the call timing record', () => {
  it('is offered on KF01 item 3 only, with the seed threshold of three rings', () => {
    expect(kf01Item3.maxRings).toBe(3);
    expect(timedUnitOf('KF01', '4')).toBeUndefined();
    expect(timedUnitOf('KF02', '3')).toBeUndefined();
  });

  it('answered after 8.25 s and talked 45.04 s: both measured exactly, printed to a tenth half up', () => {
    const timing: CallTiming = {
      version: 1,
      dialledAt: '2026-11-24T10:30:00.000+08:00',
      answeredAt: '2026-11-24T02:30:08.250Z',
      hungUpAt: '2026-11-24T10:30:53.290+08:00',
      rings: 2,
    };
    expect(issuesOf(timing)).toEqual([]);
    expect(summarizeCallTiming(timing, kf01Item3)).toEqual({
      answerMs: 8250,
      callMs: 45040,
      unansweredMs: null,
      rings: 2,
      isOverRings: false,
    });
    expect(callTimingText(timing, kf01Item3)).toBe(
      '计时:接通用时 8.3 秒;通话 45.0 秒;铃响 2 声(标准:铃响 3 声内接听)',
    );
  });

  it('a call never answered: how long it rang, and four rings is over the threshold', () => {
    const timing: CallTiming = {
      version: 1,
      dialledAt: '2026-11-24T02:30:00.000Z',
      hungUpAt: '2026-11-24T02:30:30.000Z',
      rings: 4,
    };
    expect(summarizeCallTiming(timing, kf01Item3)).toMatchObject({
      answerMs: null,
      callMs: null,
      unansweredMs: 30000,
      isOverRings: true,
    });
    expect(callTimingText(timing, kf01Item3)).toBe(
      '计时:拨出 30.0 秒后挂断,未接通;铃响 4 声(标准:铃响 3 声内接听)',
    );
  });

  it('rings counted without the timer, three exactly is within; nothing recorded prints nothing', () => {
    expect(summarizeCallTiming({ version: 1, rings: 3 }, kf01Item3).isOverRings).toBe(false);
    expect(callTimingText({ version: 1, rings: 3 }, kf01Item3)).toBe('计时:铃响 3 声(标准:铃响 3 声内接听)');
    expect(callTimingText({ version: 1 }, kf01Item3)).toBe('');
  });

  it('refuses times out of order, an answer without a dial, and a bad ring count, with where', () => {
    expect(
      issuesOf({
        version: 1,
        dialledAt: '2026-11-24T02:30:10.000Z',
        answeredAt: '2026-11-24T02:30:00.000Z',
      }),
    ).toEqual(['answeredAt: 接通时间早于拨出时间']);
    expect(issuesOf({ version: 1, answeredAt: '2026-11-24T02:30:00.000Z' })).toEqual([
      'answeredAt: 接通前必须先记录拨出',
    ]);
    expect(
      issuesOf({
        version: 1,
        dialledAt: '2026-11-24T02:30:00.000Z',
        answeredAt: '2026-11-24T02:30:05.000Z',
        hungUpAt: '2026-11-24T02:30:04.000Z',
      }),
    ).toEqual(['hungUpAt: 挂断时间早于接通(或拨出)时间']);
    expect(issuesOf({ version: 1, rings: 2.5 })).toEqual(['rings: 铃声次数必须是整数']);
    expect(issuesOf({ version: 2 })).toHaveLength(1);
    expect(issuesOf({ version: 1, dialledAt: '10:30' })).toEqual(['dialledAt: 必须是带时区的 ISO 8601 时间']);
  });

  it('rounds tenths of a second half up', () => {
    expect([0, 49, 50, 949, 950, 59_999].map(secondsText)).toEqual([
      '0.0',
      '0.0',
      '0.1',
      '0.9',
      '1.0',
      '60.0',
    ]);
  });
});
