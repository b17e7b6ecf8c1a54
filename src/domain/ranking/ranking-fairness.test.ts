import { describe, expect, it } from 'vitest';
import monthly from '../../../rankings/monthly.json';
import { EXPECTED_ROWS, FIGURE_ROWS, KF01_AUDITS, MONTH, SITES } from '../../../tests/fixtures/kpi-ranking/fairness-month';
import { loadRubric } from '../../../tests/support/load';
import { isBelowStandard, kpiFiguresFact } from '../kinds/metric/kpi-figures';
import { readFiguresCsv } from '../kinds/metric/figures-csv';
import { findNode } from '../rubric/rubric-tree';
import { toHundredths } from '../scoring/hundredths';
import { rankMonth, type RankingFact } from './rank-month';
import { parseRankingDefinition } from './ranking-schema';

const kpiCc = loadRubric('KPI-CC');
const definition = (() => {
  const parsed = parseRankingDefinition(monthly);
  if (!parsed.ok) throw new Error('rankings/monthly.json is invalid');
  return parsed.value;
})();

const nameOf = (code: string): string => SITES.find((s) => s.code === code)?.name ?? code;
const codeOf = (site: string): string => SITES.find((s) => s.code === site || s.name === site)?.code ?? site;

function monthFacts(): RankingFact[] {
  const audits = Object.entries(KF01_AUDITS).map(([code, [earned, possible]]): RankingFact => ({
    auditId: `kf01-${code}`,
    lineageId: `kf01-${code}`,
    revision: 1,
    rubricId: 'KF01',
    siteKey: `code:${code}`,
    siteName: nameOf(code),
    auditedAt: '2026-11-10T10:00:00+08:00',
    earnedH: earned * 100,
    possibleH: possible * 100,
  }));
  const bySite = new Map<string, Record<string, number>>();
  for (const [, site, , unit, figure] of FIGURE_ROWS) {
    const code = codeOf(site);
    bySite.set(code, { ...bySite.get(code), [unit]: toHundredths(Number(figure)) });
  }
  const kpi = [...bySite].map(([code, figuresH]) =>
    kpiFiguresFact(kpiCc, { id: `kpi:${code}`, month: MONTH, siteKey: `code:${code}`, siteName: nameOf(code), figuresH }),
  );
  return [...audits, ...kpi];
}

describe('fairness: below target on the figure, a missing figure is 缺报 (shipped definition, KPI-CC)', () => {
  it('ranks the hand-computed month: the 97.99 % site is 约谈, the site that left out a figure is not first', () => {
    const ranking = rankMonth(definition, monthFacts(), MONTH);
    expect(ranking.rows.map((r) => [r.rank, r.siteName, r.scoreBp, r.isBottom, r.isSummoned])).toEqual(EXPECTED_ROWS);
    const west = ranking.rows.find((r) => r.siteKey === 'code:B02');
    expect(west?.belowTarget).toEqual([
      { rubricId: 'KPI-CC', auditId: 'kpi:B02', unitId: '1', title: '客户满意率', earnedH: 4000, possibleH: 4000, missing: false },
    ]);
    const south = ranking.rows.find((r) => r.siteKey === 'code:C03');
    expect(south?.parts.find((p) => p.rubricId === 'KPI-CC')?.percentBp).toBe(6000);
    expect(south?.belowTarget.map((u) => [u.title, u.missing, u.earnedH, u.possibleH])).toEqual([['有效电话回访率', true, 0, 4000]]);
    expect(ranking.summoned).toEqual(['code:B02']);
  });

  it('judges the figure against the standard, not the rounded points (97.99 of 98, 89.99 of 90)', () => {
    const satisfaction = findNode(kpiCc, '1');
    const callback = findNode(kpiCc, '3');
    const attitude = findNode(kpiCc, '4');
    if (!satisfaction || !callback || !attitude) throw new Error('KPI-CC has units 1, 3 and 4');
    expect([isBelowStandard(satisfaction, 9799), isBelowStandard(satisfaction, 9800)]).toEqual([true, false]);
    expect([isBelowStandard(callback, 8999), isBelowStandard(callback, 9000)]).toEqual([true, false]);
    // per_event: no complaint meets the standard, one does not.
    expect([isBelowStandard(attitude, 0), isBelowStandard(attitude, 100)]).toEqual([false, true]);
    // 回访率 89.99: 40 × 89.99 / 90 = 39.9955… → 40.00 points, full marks, still 未达标.
    const fact = kpiFiguresFact(kpiCc, { id: 'k', month: MONTH, siteKey: 'code:X', siteName: 'X', figuresH: { '1': 9900, '2': 220000, '3': 8999, '4': 0 } });
    expect(fact.units?.find((u) => u.id === '3')).toEqual({ id: '3', title: '有效电话回访率', earnedH: 4000, possibleH: 4000, belowTarget: true });
    expect([fact.earnedH, fact.possibleH]).toEqual([10000, 10000]);
  });

  it('a site that reports nothing of a KPI the others reported is 缺报 at 0, never scored on the rest alone', () => {
    const withoutSouthKpi = monthFacts().filter((f) => f.auditId !== 'kpi:C03');
    const ranking = rankMonth(definition, withoutSouthKpi, MONTH);
    const south = ranking.rows.find((r) => r.siteKey === 'code:C03');
    // C: (15×10000 + 25×0) / 40 = 3750 → last; 缺报 → 约谈.
    expect([south?.scoreBp, south?.rank, south?.isSummoned, south?.coveredWeight]).toEqual([3750, 3, true, 40]);
    expect(south?.belowTarget).toEqual([{ rubricId: 'KPI-CC', auditId: '', unitId: null, earnedH: 0, possibleH: 0, missing: true }]);
  });

  it('refuses a rate written as a fraction with a hint, never scoring it as 0.9799 %', () => {
    const read = readFiguresCsv('月份,被考核单位,考核表,序号,数值\n2026-11,A01,KPI-CC,1,0.9799\n2026-11,A01,KPI-CC,2,0.5\n', new Map([['KPI-CC', kpiCc]]));
    expect(read).toEqual({
      ok: false,
      issues: [{ line: 2, reason: '比率“0.9799”像是小数写法：请按百分数填写，如 97.99 表示 97.99%（不要写成 0.9799）' }],
    });
  });
});
