import { describe, expect, it } from 'vitest';
import { scoreAudit, summarizeScore } from '../../src/domain/index';
import { loadGrades, loadRubric } from '../support/load';

/**
 * Totals worked out by hand from seed 000 (符合 ×1, 基本符合 ×0.8, 一般符合 ×0.6, 不符合 0, 不适用 out of both).
 * `items` lists only the nodes worth checking for that case.
 */
const cases: {
  fixture: string;
  rubric: string;
  earned: number;
  possible: number;
  percent: number | null;
  missing?: number;
  items?: Record<string, [earned: number, possible: number]>;
}[] = [
  // KF01 points 10,10,5,15,10,10,25,5,5,5 = 100
  { fixture: 'kf01-all-compliant', rubric: 'KF01', earned: 100, possible: 100, percent: 100 },
  { fixture: 'kf01-all-non-compliant', rubric: 'KF01', earned: 0, possible: 100, percent: 0 },
  // 1 C 10, 2 M 8, 3 P 3, 4 N 0, 5 M 8, 6 P 6, 7 M 20, 8 C 5, 9 不适用, 10 P 3 → 63 / (100 − 5) = 66.315… → 66.3
  {
    fixture: 'kf01-mixed',
    rubric: 'KF01',
    earned: 63,
    possible: 95,
    percent: 66.3,
    items: { '7': [20, 25], '9': [0, 0], '10': [3, 5] },
  },
  // 1 C 10, 4 M 12, 7 P 15 → 37 / 50 = 74.0; 7 units missing
  { fixture: 'kf01-incomplete', rubric: 'KF01', earned: 37, possible: 50, percent: 74, missing: 7 },
  { fixture: 'kf01-all-na', rubric: 'KF01', earned: 0, possible: 0, percent: null },

  // KF02: 12 + 12 + 30 + 16 + 10 + 10 + 5 + 5 = 100
  {
    fixture: 'kf02-all-compliant',
    rubric: 'KF02',
    earned: 100,
    possible: 100,
    percent: 100,
    items: { '1': [12, 12], '3': [30, 30] },
  },
  { fixture: 'kf02-all-non-compliant', rubric: 'KF02', earned: 0, possible: 100, percent: 0 },
  // 1: 4 + 3.2 + 2.4 = 9.6/12; 2: 2 + 1.6 + 1.2 + 0 + 2 + 2 = 8.8/12; 3: all 不适用 0/0;
  // 4: 3.2 + 3.2 + 4 + 2.4 = 12.8/16; 5: 5 + 0 = 5/10; 6: 3 + 4 = 7/10; 7: M 4/5; 8: 不适用 0/0
  // → 47.2 / 65 = 72.615… → 72.6
  {
    fixture: 'kf02-mixed',
    rubric: 'KF02',
    earned: 47.2,
    possible: 65,
    percent: 72.6,
    items: {
      '1': [9.6, 12],
      '2': [8.8, 12],
      '3': [0, 0],
      '4': [12.8, 16],
      '5': [5, 10],
      '6': [7, 10],
      '7': [4, 5],
      '8': [0, 0],
      '1.2': [3.2, 4],
    },
  },
  // 1.1 C 4, 1.2 M 3.2, 1.3 P 2.4, 2.1 N 0/2, 2.2 不适用, 7 C 5 → 14.6 / 19 = 76.84… → 76.8; 19 of 25 units missing
  {
    fixture: 'kf02-incomplete',
    rubric: 'KF02',
    earned: 14.6,
    possible: 19,
    percent: 76.8,
    missing: 19,
    items: { '2': [0, 2] },
  },
  { fixture: 'kf02-all-na', rubric: 'KF02', earned: 0, possible: 0, percent: null },

  // KF3: 一 30, 二 40 (children 46, capped), 三 30, 四 40, 五 30 = 170
  {
    fixture: 'kf3-all-compliant',
    rubric: 'KF3',
    earned: 170,
    possible: 170,
    percent: 100,
    items: { '2': [40, 40], '5': [30, 30], '5.1': [30, 30] },
  },
  {
    fixture: 'kf3-all-non-compliant',
    rubric: 'KF3',
    earned: 0,
    possible: 170,
    percent: 0,
    items: { '2': [0, 40] },
  },
  // 一: 4 + 4.8 + 2.4 + 0 + 4 + 不适用 + 3.2 = 18.4 / 26
  // 二 (cap not hit): 8 + 4.8 + 3.6 + 0 + 6 + 6 + 4.8 = 33.2; possible min(40, 46) = 40
  // 三: 6 + 6 + 4.8 + 3.6 + 0 = 20.4 / 30
  // 四: 6 + 4.8 + 8 + 3.6 + 6.4 + 不适用 = 28.8 / 34
  // 五.1: 3 + 3 + 2.4 + 2.4 + 1.8 + 1.8 + 0 + 3 + 不适用 + 3 = 20.4 / 27
  // → 121.2 / 157 = 77.197… → 77.2
  {
    fixture: 'kf3-mixed-cap-not-hit',
    rubric: 'KF3',
    earned: 121.2,
    possible: 157,
    percent: 77.2,
    items: {
      '1': [18.4, 26],
      '2': [33.2, 40],
      '3': [20.4, 30],
      '4': [28.8, 34],
      '5': [20.4, 27],
      '5.1': [20.4, 27],
      '5.1.3': [2.4, 3],
    },
  },
  // 二: 8 + 6 + 6 + 8 + 6 + 4.8 + 3.6 = 42.4 → capped at 40; every other unit 不符合 → 40 / 170 = 23.529… → 23.5
  {
    fixture: 'kf3-cap-hit',
    rubric: 'KF3',
    earned: 40,
    possible: 170,
    percent: 23.5,
    items: { '2': [40, 40], '1': [0, 30] },
  },
  // 二: 2.1 and 2.4 不适用 → possible min(40, 46 − 16 = 30) = 30; earned 4.8 + 6 × 4 = 28.8
  // others compliant: 30 + 28.8 + 30 + 40 + 30 = 158.8 / 160 = 99.25 → 99.3 (half up)
  {
    fixture: 'kf3-cap-with-na',
    rubric: 'KF3',
    earned: 158.8,
    possible: 160,
    percent: 99.3,
    items: { '2': [28.8, 30] },
  },
  // 2.1–2.6 compliant: 8 + 6 + 6 + 8 + 6 + 6 = 40, possible min(40, 40) = 40; the other 29 units missing
  {
    fixture: 'kf3-incomplete',
    rubric: 'KF3',
    earned: 40,
    possible: 40,
    percent: 100,
    missing: 29,
    items: { '2': [40, 40] },
  },
  { fixture: 'kf3-all-na', rubric: 'KF3', earned: 0, possible: 0, percent: null, items: { '2': [0, 0] } },
];

describe('scores of the fixtures match the totals worked out by hand', () => {
  it.each(cases)('$fixture: $earned / $possible = $percent %', (c) => {
    const rubric = loadRubric(c.rubric);
    const summary = summarizeScore(scoreAudit(rubric, loadGrades(rubric, c.fixture)));
    expect(summary.earned).toBe(c.earned);
    expect(summary.possible).toBe(c.possible);
    expect(summary.percent).toBe(c.percent);
    expect(summary.missing).toHaveLength(c.missing ?? 0);
    expect(summary.complete).toBe((c.missing ?? 0) === 0);
    for (const [id, [earned, possible]] of Object.entries(c.items ?? {})) {
      expect(
        summary.items.find((i) => i.id === id),
        id,
      ).toEqual({ id, earned, possible });
    }
  });

  it('marks the cap as applied only when the children would earn more than the item', () => {
    const rubric = loadRubric('KF3');
    const capOf = (fixture: string) =>
      scoreAudit(rubric, loadGrades(rubric, fixture)).nodes.find((n) => n.id === '2')?.isCapApplied;
    expect(capOf('kf3-cap-hit')).toBe(true);
    expect(capOf('kf3-all-compliant')).toBe(true);
    expect(capOf('kf3-mixed-cap-not-hit')).toBe(false);
    expect(capOf('kf3-incomplete')).toBe(false);
  });

  it('lists missing units in document order', () => {
    const rubric = loadRubric('KF01');
    expect(scoreAudit(rubric, loadGrades(rubric, 'kf01-incomplete')).missing).toEqual([
      '2',
      '3',
      '5',
      '6',
      '8',
      '9',
      '10',
    ]);
  });

  it('lists every node of the rubric in the summary', () => {
    const rubric = loadRubric('KF02');
    const summary = summarizeScore(scoreAudit(rubric, {}));
    // 8 items + 3 + 6 + 6 + 4 + 2 + 2 sub-items = 31 nodes
    expect(summary.items).toHaveLength(31);
    expect(summary.items.map((i) => i.id).slice(0, 5)).toEqual(['1', '1.1', '1.2', '1.3', '2']);
  });
});
