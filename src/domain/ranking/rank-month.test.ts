import { describe, expect, it } from 'vitest';
import { monthOf, rankMonth, rankingMonths, type RankingFact } from './rank-month';
import type { RankingDefinition } from './ranking-schema';

const definition: RankingDefinition = {
  format: 'ducha.ranking',
  version: 1,
  id: 'test-monthly',
  title: '测试月度综合排名',
  period: 'month',
  utcOffset: '+08:00',
  components: [
    { rubricId: 'KF01', kind: 'scorecard', weight: 30 },
    { rubricId: 'KF02', kind: 'scorecard', weight: 30 },
    // A test-only KPI rubric: two units, u1 (40 points) and u2 (10 points).
    { rubricId: 'KPI-T', kind: 'kpi', weight: 40 },
    // Named but never audited: a note, not a crash, and no effect on anyone's score.
    { rubricId: 'KPI-YYT', kind: 'kpi', weight: 10 },
  ],
  bottom: {
    places: 1,
    requireIndicatorBelowTarget: true,
    rule: '月度综合排名末位,且服务指标未达标的,约谈相关负责人',
  },
};

let serial = 0;
/** earned / possible in whole points; kpi units as [earned u1, earned u2] out of 40 and 10. */
function fact(
  site: string,
  rubricId: string,
  at: string,
  earned: number,
  possible: number,
  more: { kpi?: [number, number]; lineageId?: string; revision?: number } = {},
): RankingFact {
  serial += 1;
  const id = `a${serial}`;
  return {
    auditId: id,
    lineageId: more.lineageId ?? id,
    revision: more.revision ?? 1,
    rubricId,
    siteKey: `name:${site}`,
    siteName: site,
    auditedAt: at,
    earnedH: earned * 100,
    possibleH: possible * 100,
    ...(more.kpi
      ? {
          units: [
            { id: '1', earnedH: more.kpi[0] * 100, possibleH: 4000 },
            { id: '2', earnedH: more.kpi[1] * 100, possibleH: 1000 },
          ],
        }
      : {}),
  };
}

const facts: RankingFact[] = [
  // October 2026 (+08:00)
  fact('甲', 'KF01', '2026-10-05T10:00:00+08:00', 90, 100),
  fact('甲', 'KF02', '2026-10-06T10:00:00+08:00', 80, 100),
  fact('甲', 'KF02', '2026-10-20T10:00:00+08:00', 70, 100),
  fact('甲', 'KPI-T', '2026-10-31T12:00:00+08:00', 50, 50, { kpi: [40, 10] }),
  fact('乙', 'KF01', '2026-10-07T10:00:00+08:00', 95, 100),
  fact('乙', 'KF02', '2026-10-08T10:00:00+08:00', 85, 100),
  fact('乙', 'KPI-T', '2026-10-30T10:00:00+08:00', 45, 50, { kpi: [40, 5] }),
  fact('丙', 'KF01', '2026-10-09T10:00:00+08:00', 60, 100),
  fact('丙', 'KPI-T', '2026-10-29T10:00:00+08:00', 40, 50, { kpi: [40, 0] }),
  // Not in the ranking: ignored.
  fact('丙', 'KF3', '2026-10-09T11:00:00+08:00', 0, 100),
  // November 2026: 甲's KF01 was corrected (revision 2 replaces 30/30 with 20/30).
  fact('甲', 'KF01', '2026-11-03T10:00:00+08:00', 30, 30, { lineageId: 'L1', revision: 1 }),
  fact('甲', 'KF01', '2026-11-03T10:00:00+08:00', 20, 30, { lineageId: 'L1', revision: 2 }),
  fact('乙', 'KF01', '2026-11-04T10:00:00+08:00', 100, 100),
  fact('乙', 'KF02', '2026-11-05T10:00:00+08:00', 90, 100),
  fact('乙', 'KPI-T', '2026-11-30T10:00:00+08:00', 50, 50, { kpi: [40, 10] }),
  // 17:00 UTC on 31 October is 01:00 on 1 November in +08:00: a November audit.
  fact('丙', 'KF01', '2026-10-31T17:00:00Z', 80, 100),
  fact('丙', 'KPI-T', '2026-11-28T10:00:00+08:00', 50, 50, { kpi: [40, 10] }),
];

describe('rankMonth: three sites, two months, worked out by hand', () => {
  it('finds both months, newest first, each audit in its month at +08:00', () => {
    expect(rankingMonths(definition, facts)).toEqual(['2026-11', '2026-10']);
    expect(monthOf('2026-10-31T17:00:00Z', '+08:00')).toBe('2026-11');
    expect(monthOf('2026-10-31T15:59:59Z', '+08:00')).toBe('2026-10');
    expect(monthOf('2026-11-01T03:00:00Z', '-05:00')).toBe('2026-10');
  });

  it('October: 乙 first, 丙 末位 with KPI-T unit 2 below target → 约谈', () => {
    const october = rankMonth(definition, facts, '2026-10');
    // 乙: KF01 95 % = 9500, KF02 85 % = 8500, KPI-T 45/50 = 9000 → (30×9500 + 30×8500 + 40×9000) / 100 = 9000
    // 甲: KF01 9000, KF02 mean(8000, 7000) = 7500, KPI-T 10000 → (270000 + 225000 + 400000) / 100 = 8950
    // 丙: KF01 6000, no KF02, KPI-T 40/50 = 8000 → (30×6000 + 40×8000) / 70 = 7142.857… → 7143 (half up)
    expect(october.rows.map((r) => [r.rank, r.siteName, r.scoreBp, r.coveredWeight])).toEqual([
      [1, '乙', 9000, 100],
      [2, '甲', 8950, 100],
      [3, '丙', 7143, 70],
    ]);
    expect(october.rows.find((r) => r.siteName === '甲')?.parts).toEqual([
      { rubricId: 'KF01', audits: 1, percentBp: 9000, missingReport: false },
      { rubricId: 'KF02', audits: 2, percentBp: 7500, missingReport: false },
      { rubricId: 'KPI-T', audits: 1, percentBp: 10000, missingReport: false },
    ]);
    expect(october.rows.map((r) => r.isBottom)).toEqual([false, false, true]);
    // 丙 had no KF02 audit in October while the others had: 未考核, left out of its score (not 0).
    expect(october.rows.map((r) => r.unaudited)).toEqual([[], [], ['KF02']]);
    const bingKpi = facts.find((f) => f.siteName === '丙' && f.rubricId === 'KPI-T')?.auditId;
    expect(october.rows[2]?.belowTarget).toEqual([
      { rubricId: 'KPI-T', auditId: bingKpi, unitId: '2', earnedH: 0, possibleH: 1000, missing: false },
    ]);
    // 乙 also missed a target (unit 2: 5/10) but is not 末位, so is not called in.
    expect(october.rows[0]?.belowTarget.map((u) => u.unitId)).toEqual(['2']);
    expect(october.summoned).toEqual(['name:丙']);
    expect(october.notes).toEqual([{ rubricId: 'KPI-YYT', reason: 'no-audits' }]);
    expect(october.components.map((c) => [c.rubricId, c.audits])).toEqual([
      ['KF01', 3],
      ['KF02', 3],
      ['KPI-T', 3],
      ['KPI-YYT', 0],
    ]);
  });

  // Before the fairness rules 甲 was scored on KF01 alone (6667, weight 30) and, having reported no KPI at all,
  // "met every indicator it has" and was not called in: not reporting paid. Now KPI-T, which 乙 and 丙 reported
  // this month, is 缺报 for 甲: 0 % on weight 40, and 缺报 counts as below target.
  it('November: 甲 末位 on its corrected audit, KPI-T not reported (缺报) → 约谈', () => {
    const november = rankMonth(definition, facts, '2026-11');
    // 乙: (30×10000 + 30×9000 + 40×10000) / 100 = 9700
    // 丙: KF01 80 % (the audit of 01:00 on 1 Nov), KF02 未考核, KPI-T 10000 → (30×8000 + 40×10000) / 70 = 9142.857… → 9143
    // 甲: revision 2 only: KF01 20/30 = 6666.67 → 6667; KF02 未考核; KPI-T 缺报 0 → (30×6667 + 40×0) / 70 = 2857.28… → 2857
    expect(november.rows.map((r) => [r.rank, r.siteName, r.scoreBp, r.coveredWeight, r.isBottom])).toEqual([
      [1, '乙', 9700, 100, false],
      [2, '丙', 9143, 70, false],
      [3, '甲', 2857, 70, true],
    ]);
    const jia = november.rows[2];
    expect(jia?.parts.find((p) => p.rubricId === 'KPI-T')).toEqual({ rubricId: 'KPI-T', audits: 0, percentBp: 0, missingReport: true });
    expect(jia?.unaudited).toEqual(['KF02']);
    expect(jia?.belowTarget).toEqual([{ rubricId: 'KPI-T', auditId: '', unitId: null, earnedH: 0, possibleH: 0, missing: true }]);
    expect(november.summoned).toEqual(['name:甲']);
    expect(november.notes).toEqual([{ rubricId: 'KPI-YYT', reason: 'no-audits' }]);
  });

  it('a component audited in other months only is noted as such', () => {
    const onlyOctoberKf02 = facts.filter(
      (f) => !(f.rubricId === 'KF02' && f.auditedAt.startsWith('2026-11')),
    );
    expect(rankMonth(definition, onlyOctoberKf02, '2026-11').notes).toEqual([
      { rubricId: 'KF02', reason: 'none-this-month' },
      { rubricId: 'KPI-YYT', reason: 'no-audits' },
    ]);
  });
});

describe('rankMonth: ties, 不适用 and the rule switch', () => {
  const month = '2026-11';
  const at = '2026-11-10T10:00:00+08:00';

  it('equal scores share a rank and both are 末位; sites all tied are not 末位', () => {
    const tied = [
      fact('甲', 'KF01', at, 90, 100),
      fact('乙', 'KF01', at, 80, 100),
      fact('丙', 'KF01', at, 80, 100),
    ];
    const ranking = rankMonth(definition, tied, month);
    expect(ranking.rows.map((r) => [r.rank, r.siteName, r.isBottom])).toEqual([
      [1, '甲', false],
      [2, '丙', true],
      [2, '乙', true],
    ]);
    const allTied = rankMonth(
      definition,
      [fact('甲', 'KF01', at, 8, 10), fact('乙', 'KF01', at, 80, 100)],
      month,
    );
    expect(allTied.rows.map((r) => [r.rank, r.isBottom])).toEqual([
      [1, false],
      [1, false],
    ]);
    expect(rankMonth(definition, [fact('甲', 'KF01', at, 1, 100)], month).rows[0]?.isBottom).toBe(false);
  });

  it('a site whose audits were all 不适用 is listed as unranked, not scored 0', () => {
    const ranking = rankMonth(
      definition,
      [fact('甲', 'KF01', at, 90, 100), fact('乙', 'KF01', at, 0, 0)],
      month,
    );
    expect(ranking.rows.map((r) => r.siteName)).toEqual(['甲']);
    expect(ranking.unranked).toEqual([{ siteKey: 'name:乙', siteName: '乙' }]);
  });

  it('without the indicator condition every 末位 site is called in', () => {
    const two = [fact('甲', 'KF01', at, 90, 100), fact('乙', 'KF01', at, 80, 100)];
    expect(rankMonth(definition, two, month).summoned).toEqual([]);
    const loose = { ...definition, bottom: { ...definition.bottom, requireIndicatorBelowTarget: false } };
    expect(rankMonth(loose, two, month).summoned).toEqual(['name:乙']);
  });

  it('units of a scorecard are never indicators: only kpi components count', () => {
    const scorecardUnits: RankingFact = {
      ...fact('乙', 'KF01', at, 80, 100),
      units: [{ id: '3', earnedH: 0, possibleH: 500 }],
    };
    const ranking = rankMonth(definition, [fact('甲', 'KF01', at, 90, 100), scorecardUnits], month);
    expect(ranking.rows[1]?.belowTarget).toEqual([]);
    expect(ranking.rows[1]?.isBottom).toBe(true);
    expect(ranking.summoned).toEqual([]);
  });
});
