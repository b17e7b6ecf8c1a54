import { describe, expect, it } from 'vitest';
import type { AuditFact } from './audit-fact';
import {
  applyFilter,
  averagePercentTenths,
  drillDown,
  heatKey,
  heatMap,
  latestRevisions,
  previousPeriod,
  rankSites,
  rubricChoices,
  siteTrend,
} from './aggregate';

/** A KF-like fact with two items: 1 (10 points) and 2 (20 points); earned given in points. */
function fact(
  over: Partial<AuditFact> & { id: string; site: string; at: string; e1: number; e2: number; p2?: number },
): AuditFact {
  const p2 = over.p2 ?? 20;
  const earnedH = (over.e1 + over.e2) * 100;
  const possibleH = (10 + p2) * 100;
  return {
    auditId: over.id,
    lineageId: over.lineageId ?? over.id,
    revision: over.revision ?? 1,
    hash: `h-${over.id}`,
    signer: 'k'.repeat(64),
    sealedAt: over.at,
    rubricId: over.rubricId ?? 'KF01',
    rubricFingerprint: over.rubricFingerprint ?? 'sha256:v1',
    siteKey: `name:${over.site}`,
    siteName: over.site,
    region: over.region ?? '华南',
    auditor: over.auditor ?? '王小明',
    auditedAt: over.at,
    earnedH,
    possibleH,
    percentTenths: Math.floor((2 * earnedH * 1000 + possibleH) / (2 * possibleH)),
    items: over.items ?? [
      { id: '1', title: '服务时间', earnedH: over.e1 * 100, possibleH: 1000 },
      { id: '2', title: '服务资源', earnedH: over.e2 * 100, possibleH: p2 * 100 },
    ],
    units: over.units ?? [
      { id: '1', itemId: '1', grade: 'compliant', note: '', earnedH: over.e1 * 100, possibleH: 1000 },
      {
        id: '2',
        itemId: '2',
        grade: over.e2 === 0 ? 'non_compliant' : 'compliant',
        note: over.e2 === 0 ? '无人接听' : '',
        earnedH: over.e2 * 100,
        possibleH: p2 * 100,
      },
    ],
  };
}

// 甲: 30/30 = 100.0 %, 24/30 = 80.0 % (Nov); 乙: 10/30 = 33.3 % (Nov), 18/30 = 60.0 % (Oct, previous period)
// 丙: item 2 不适用 → 6/10 = 60.0 % (Nov)
const facts: AuditFact[] = [
  fact({ id: 'a1', site: '甲', at: '2026-11-03T02:00:00.000Z', e1: 10, e2: 20 }),
  fact({ id: 'a2', site: '甲', at: '2026-11-20T02:00:00.000Z', e1: 8, e2: 16 }),
  fact({ id: 'b1', site: '乙', at: '2026-11-10T02:00:00.000Z', e1: 10, e2: 0 }),
  fact({ id: 'b0', site: '乙', at: '2026-10-10T02:00:00.000Z', e1: 10, e2: 8 }),
  fact({ id: 'c1', site: '丙', at: '2026-11-12T02:00:00.000Z', e1: 6, e2: 0, p2: 0 }),
];
const november = { rubricId: 'KF01', from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' };

describe('head-office aggregation', () => {
  it('keeps only the latest revision of each audit', () => {
    const amended = fact({
      id: 'a2r2',
      lineageId: 'a2',
      revision: 2,
      site: '甲',
      at: '2026-11-20T02:00:00.000Z',
      e1: 10,
      e2: 16,
    });
    expect(
      latestRevisions([...facts, amended])
        .map((f) => f.auditId)
        .sort(),
    ).toEqual(['a1', 'a2r2', 'b0', 'b1', 'c1']);
  });

  it('filters by rubric, period, region, site and auditor', () => {
    expect(applyFilter(facts, november).map((f) => f.auditId)).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(applyFilter(facts, { ...november, siteKey: 'name:乙' }).map((f) => f.auditId)).toEqual(['b1']);
    expect(applyFilter(facts, { rubricId: 'KF02' })).toEqual([]);
    expect(applyFilter(facts, { ...november, region: '华北' })).toEqual([]);
  });

  it('averages per-audit percents so 不适用 items do not weigh', () => {
    // 甲: (1000 + 800) / 2 = 900 → 90.0 %
    expect(averagePercentTenths(applyFilter(facts, { ...november, siteKey: 'name:甲' }))).toBe(900);
    expect(averagePercentTenths([])).toBeNull();
  });

  it('ranks sites by average, with change since the previous period and the bottom N marked', () => {
    const previous = previousPeriod(november.from, november.to);
    expect(previous.to).toBe('2026-10-31T23:59:59.999Z');
    const ranking = rankSites(
      applyFilter(facts, november),
      applyFilter(facts, { ...november, ...previous }),
      1,
    );
    expect(
      ranking.map((r) => [
        r.siteName,
        r.count,
        r.averagePercentTenths,
        r.latestPercentTenths,
        r.changeTenths,
        r.isBottom,
      ]),
    ).toEqual([
      ['甲', 2, 900, 800, null, false],
      ['丙', 1, 600, 600, null, false],
      // 乙: 33.3 % now, 60.0 % in October → −26.7
      ['乙', 1, 333, 333, -267, true],
    ]);
  });

  it('compares times as instants whatever their offset, and sorts by instant', () => {
    // November in UTC. 2026-12-01T01:00+08:00 is 2026-11-30T17:00Z: inside, though as text it sorts after
    // "2026-11-30T23:59:59.999Z". 2026-11-01T07:00+08:00 is 2026-10-31T23:00Z: outside, though as text it is inside.
    const lateBeijing = fact({ id: 'late', site: '丁', at: '2026-12-01T01:00:00+08:00', e1: 10, e2: 20 });
    const earlyBeijing = fact({ id: 'early', site: '丁', at: '2026-11-01T07:00:00+08:00', e1: 0, e2: 0 });
    const utc = fact({ id: 'utc', site: '丁', at: '2026-11-30T18:00:00.000Z', e1: 5, e2: 10 });
    const inNovember = applyFilter([lateBeijing, earlyBeijing, utc], {
      rubricId: 'KF01',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-30T23:59:59.999Z',
    });
    expect(inNovember.map((f) => f.auditId)).toEqual(['late', 'utc']);
    // The latest of the two is the UTC one (18:00Z after 17:00Z), not the one whose text sorts last.
    const [row] = rankSites(inNovember, [], 0);
    expect(row?.latestPercentTenths).toBe(500);
    expect(siteTrend(inNovember, row?.siteKey ?? '').map((p) => p.auditId)).toEqual(['late', 'utc']);
  });

  it('heat-map columns carry the printed 序号 (KF3: 一…五) from the facts', async () => {
    const { auditFactFromEnvelope } = await import('./audit-fact');
    const { loadRubric, loadGrades } = await import('../../../tests/support/load');
    const { finalisedAudit, sealed } = await import('../../../tests/support/sealed-audit');
    const kf3 = loadRubric('KF3');
    const envelope = await sealed(kf3, finalisedAudit(kf3, { ...loadGrades(kf3, 'kf3-all-compliant') }));
    const map = heatMap([auditFactFromEnvelope(envelope)]);
    expect(map.items.map((i) => `${i.label} ${i.title}`)).toEqual([
      '一 入伙办理',
      '二 装修服务',
      '三 收费服务',
      '四 咨询报修',
      '五 投诉处理',
    ]);
  });

  it('never marks a lone site, or every site, as 末位', () => {
    const one = [fact({ id: 'a', site: '甲', at: '2026-11-03T00:00:00.000Z', e1: 0, e2: 0 })];
    expect(rankSites(one, [], 1).map((r) => r.isBottom)).toEqual([false]);
    const two = [...one, fact({ id: 'b', site: '乙', at: '2026-11-04T00:00:00.000Z', e1: 10, e2: 20 })];
    expect(rankSites(two, [], 2).map((r) => r.isBottom)).toEqual([false, false]);
    expect(rankSites(two, [], 1).map((r) => [r.siteName, r.isBottom])).toEqual([
      ['乙', false],
      ['甲', true],
    ]);
  });

  it('heat map: share of applicable points lost per site and item, and the drill-down behind a cell', () => {
    const map = heatMap(applyFilter(facts, november));
    expect(map.items.map((i) => i.id)).toEqual(['1', '2']);
    // 甲 item 2: lost (20 − 20) + (20 − 16) = 4 of 40 → 10.0 %
    expect(map.cells.get(heatKey('name:甲', '2'))).toEqual({
      lostTenths: 100,
      lostH: 400,
      possibleH: 4000,
      audits: 2,
    });
    // 乙 item 2: 20 of 20 lost → 100.0 %; 丙 item 2 all 不适用 → null
    expect(map.cells.get(heatKey('name:乙', '2'))?.lostTenths).toBe(1000);
    expect(map.cells.get(heatKey('name:丙', '2'))?.lostTenths).toBeNull();
    expect(map.rubricVersions).toBe(1);
    const cell = drillDown(applyFilter(facts, november), 'name:乙', '2');
    expect(cell).toEqual([
      {
        auditId: 'b1',
        auditedAt: '2026-11-10T02:00:00.000Z',
        auditor: '王小明',
        rubricFingerprint: 'sha256:v1',
        earnedH: 0,
        possibleH: 2000,
        units: [expect.objectContaining({ id: '2', grade: 'non_compliant', note: '无人接听' })],
      },
    ]);
  });

  it('compares audits of an older rubric version on the items all versions share, and says which were left out', () => {
    const newer = fact({
      id: 'n1',
      site: '甲',
      at: '2026-11-25T02:00:00.000Z',
      e1: 10,
      e2: 20,
      rubricFingerprint: 'sha256:v2',
      items: [
        { id: '1', title: '服务时间', earnedH: 1000, possibleH: 1000 },
        { id: '2', title: '服务资源', earnedH: 2000, possibleH: 2000 },
        { id: '3', title: '新增项', earnedH: 0, possibleH: 500 },
      ],
    });
    const map = heatMap([newer, ...applyFilter(facts, november)]);
    expect(map.rubricVersions).toBe(2);
    expect(map.items.map((i) => i.id)).toEqual(['1', '2']);
    expect(map.items.map((i) => i.label)).toEqual(['1', '2']);
    expect(map.droppedItemIds).toEqual(['3']);
  });

  it('lists rubric ids in natural order and prefers the one with the most audits, the first of equals', () => {
    expect(rubricChoices(new Map([['KF10', 2], ['KF3', 5], ['KF01', 5]]))).toEqual({ ids: ['KF01', 'KF3', 'KF10'], preferred: 'KF01' });
    expect(rubricChoices(new Map([['KF10', 7], ['KF3', 5]]))).toEqual({ ids: ['KF3', 'KF10'], preferred: 'KF10' });
    expect(rubricChoices(new Map())).toEqual({ ids: [], preferred: undefined });
  });
});
