import { describe, expect, it } from 'vitest';
import {
  parseRubric,
  rubricRulesIssues,
  scoreAudit,
  summarizeScore,
  type Rubric,
} from '../../src/domain/index';
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

  // KF3: 一 30, 二 40 (children 46, 扣完为止: 40 minus what its sub-items lose), 三 30, 四 40, 五 30 = 170
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
    items: { '2': [0, 40] }, // loses 46 of 40: never below 0
  },
  // 一: 4 + 4.8 + 2.4 + 0 + 4 + 不适用 + 3.2 = 18.4 / 26
  // 二: possible min(40, 46) = 40; lost 2.2 M 1.2 + 2.3 P 2.4 + 2.4 N 8 + 2.7 M 1.2 = 12.8 → 27.2
  //     (the fixture's name is from the cap days: under cap it was 33.2, the sum of the children)
  // 三: 6 + 6 + 4.8 + 3.6 + 0 = 20.4 / 30
  // 四: 6 + 4.8 + 8 + 3.6 + 6.4 + 不适用 = 28.8 / 34
  // 五.1: 3 + 3 + 2.4 + 2.4 + 1.8 + 1.8 + 0 + 3 + 不适用 + 3 = 20.4 / 27
  // → 18.4 + 27.2 + 20.4 + 28.8 + 20.4 = 115.2 / 157 = 73.375… → 73.4
  {
    fixture: 'kf3-mixed-cap-not-hit',
    rubric: 'KF3',
    earned: 115.2,
    possible: 157,
    percent: 73.4,
    items: {
      '1': [18.4, 26],
      '2': [27.2, 40],
      '3': [20.4, 30],
      '4': [28.8, 34],
      '5': [20.4, 27],
      '5.1': [20.4, 27],
      '5.1.3': [2.4, 3],
    },
  },
  // 二: 2.6 M loses 1.2, 2.7 P loses 2.4 → 40 − 3.6 = 36.4 (a cap would hide both: 42.4 capped at 40);
  // every other unit 不符合 → 36.4 / 170 = 21.411… → 21.4
  {
    fixture: 'kf3-cap-hit',
    rubric: 'KF3',
    earned: 36.4,
    possible: 170,
    percent: 21.4,
    items: { '2': [36.4, 40], '1': [0, 30] },
  },
  // rubrics/README.md example 1: all 符合 except 2.2 不符合 → 二 = 40 − 6 = 34/40;
  // 30 + 34 + 30 + 40 + 30 = 164 / 170 = 96.470… → 96.5
  {
    fixture: 'kf3-deduct-one-lost',
    rubric: 'KF3',
    earned: 164,
    possible: 170,
    percent: 96.5,
    items: { '2': [34, 40], '2.2': [0, 6] },
  },
  // example 2: 2.1 不适用, 2.2 不符合 → possible min(40, 46 − 8 = 38) = 38, lost 6 → 二 = 32/38;
  // 30 + 32 + 30 + 40 + 30 = 162 / (30 + 38 + 30 + 40 + 30 = 168) = 96.428… → 96.4
  {
    fixture: 'kf3-deduct-with-na',
    rubric: 'KF3',
    earned: 162,
    possible: 168,
    percent: 96.4,
    items: { '2': [32, 38], '2.1': [0, 0] },
  },
  // 二: 2.1 and 2.4 不适用 → possible min(40, 46 − 16 = 30) = 30; lost 2.2 M 1.2 → 28.8 (cap gave the same)
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
    const rubric = kf3WithCap();
    const capOf = (fixture: string) =>
      scoreAudit(rubric, loadGrades(rubric, fixture)).nodes.find((n) => n.id === '2')?.isCapApplied;
    expect(capOf('kf3-cap-hit')).toBe(true);
    expect(capOf('kf3-all-compliant')).toBe(true);
    expect(capOf('kf3-mixed-cap-not-hit')).toBe(false);
    expect(capOf('kf3-incomplete')).toBe(false);
  });

  it('says how 二 was scored and what its sub-items lost, under deduct and under cap', () => {
    const node = (rubric: Rubric) => {
      const n = scoreAudit(rubric, loadGrades(rubric, 'kf3-cap-hit')).nodes.find((x) => x.id === '2');
      return [n?.overflow, n?.lostH, n?.earnedH, n?.isCapApplied];
    };
    // 2.6 M loses 120, 2.7 P loses 240 → 360 hundredths; deduct shows them, cap absorbs them into 4000
    expect(node(loadRubric('KF3'))).toEqual(['deduct', 360, 3640, false]);
    expect(node(kf3WithCap())).toEqual(['cap', 360, 4000, true]);
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

/** KF3 as it shipped before 扣完为止: item 二 with overflow "cap" (what old seals carry). */
function kf3WithCap(): Rubric {
  const kf3 = loadRubric('KF3');
  const result = parseRubric({
    ...kf3,
    items: kf3.items.map((item) => (item.id === '2' ? { ...item, overflow: 'cap' } : item)),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('scoring rules versions', () => {
  it('rules 1 scores a cap rubric as the released code did: kf3-cap-hit is 40/170 with 二 40/40', () => {
    // tests/fixtures/legacy/README.md: 二 8 + 6 + 6 + 8 + 6 + 4.8 + 3.6 = 42.4 capped at 40; all else 不符合
    const rubric = kf3WithCap();
    const summary = summarizeScore(scoreAudit(rubric, loadGrades(rubric, 'kf3-cap-hit'), 1));
    expect([summary.earned, summary.possible, summary.percent]).toEqual([40, 170, 23.5]);
    expect(summary.items.find((i) => i.id === '2')).toEqual({ id: '2', earned: 40, possible: 40 });
  });

  it.each(['kf3-cap-hit', 'kf3-mixed-cap-not-hit', 'kf3-cap-with-na', 'kf3-incomplete', 'kf3-all-na'])(
    'rules 2 scores a cap rubric exactly as rules 1 (%s)',
    (fixture) => {
      const rubric = kf3WithCap();
      const grades = loadGrades(rubric, fixture);
      expect(scoreAudit(rubric, grades, 2)).toEqual(scoreAudit(rubric, grades, 1));
    },
  );

  it('rules 1 does not know deduct: the shipped KF3 is named as needing rules 2, and scoring it throws', () => {
    const kf3 = loadRubric('KF3');
    expect(rubricRulesIssues(kf3, 1)).toEqual([
      {
        path: 'items[1].overflow',
        message: 'overflow "deduct" needs scoring rules 2; this seal was scored with rules 1',
      },
    ]);
    expect(rubricRulesIssues(kf3, 2)).toEqual([]);
    expect(rubricRulesIssues(kf3WithCap(), 1)).toEqual([]);
    expect(() => scoreAudit(kf3, loadGrades(kf3, 'kf3-cap-hit'), 1)).toThrow(/deduct/);
  });

  it('the current rules are the default', () => {
    const kf3 = loadRubric('KF3');
    const grades = loadGrades(kf3, 'kf3-cap-hit');
    expect(scoreAudit(kf3, grades)).toEqual(scoreAudit(kf3, grades, 2));
  });
});
