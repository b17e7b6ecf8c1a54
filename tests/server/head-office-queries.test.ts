import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyFilter,
  drillDown,
  heatMap,
  latestRevisions,
  previousPeriod,
  rankSites,
  siteTrend,
  type AuditFact,
  type DashboardFilter,
} from '../../src/domain/head-office';
import { migrate } from '../../src/server/db/migrate';
import { openDatabase, type OpenDatabase } from '../../src/server/db/open-database';
import { drillDownOf, heatMapOf, trendOf } from '../../src/server/head-office/detail';
import { rankingOf } from '../../src/server/head-office/ranking';
import { EVERYTHING, type HeadOfficeFilter } from '../../src/server/head-office/view';
import { BACKENDS, useBackend } from './support/backends';
import { fact, FACTS, insertFacts, NOVEMBER } from './support/head-office-facts';

// Beyond the domain's five: a corrected revision (only the latest counts), times written with +08:00 on
// either side of November's edges, another rubric, another region, and a newer rubric version with an item
// the older one lacks.
const EXTRA: readonly AuditFact[] = [
  fact({ id: 'a2r2', lineageId: 'a2', revision: 2, site: '甲', at: '2026-11-20T02:00:00.000Z', e1: 10, e2: 16 }),
  fact({ id: 'late', site: '丁', at: '2026-12-01T01:00:00+08:00', e1: 10, e2: 20, region: '华北' }),
  fact({ id: 'early', site: '丁', at: '2026-11-01T07:00:00+08:00', e1: 0, e2: 0, region: '华北' }),
  fact({ id: 'utc', site: '丁', at: '2026-11-30T18:00:00.000Z', e1: 5, e2: 10, region: '华北', auditor: '李华' }),
  fact({ id: 'other', site: '甲', at: '2026-11-05T02:00:00.000Z', e1: 1, e2: 1, rubricId: 'KF02' }),
  fact({
    id: 'n1',
    site: '丙',
    at: '2026-11-25T02:00:00.000Z',
    e1: 10,
    e2: 20,
    rubricFingerprint: 'sha256:v2',
    items: [
      { id: '1', title: '服务时间', earnedH: 1000, possibleH: 1000 },
      { id: '2', title: '服务资源', earnedH: 2000, possibleH: 2000 },
      { id: '3', title: '新增项', earnedH: 0, possibleH: 500 },
    ],
  }),
];

/** The app's path: latest revisions, then the filter; the previous period only when both ends are set. */
function domainRanking(facts: readonly AuditFact[], filter: DashboardFilter, bottomN: number) {
  const latest = latestRevisions(facts);
  const before = filter.from !== undefined && filter.to !== undefined ? previousPeriod(filter.from, filter.to) : undefined;
  return rankSites(applyFilter(latest, filter), before ? applyFilter(latest, { ...filter, ...before }) : [], bottomN);
}

const domainHeatCells = (facts: readonly AuditFact[], filter: DashboardFilter) =>
  [...heatMap(applyFilter(latestRevisions(facts), filter)).cells]
    .map(([key, cell]) => {
      const [siteKey = '', itemId = ''] = key.split('|');
      return { siteKey, itemId, ...cell };
    })
    .sort((x, y) => (`${x.siteKey}|${x.itemId}` < `${y.siteKey}|${y.itemId}` ? -1 : 1));

describe.each(BACKENDS)('head-office queries in SQL, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let open: OpenDatabase;

  beforeAll(async () => {
    open = await openDatabase(await backend.freshConfig());
    await migrate(open.db);
  }, 120_000);
  afterAll(async () => {
    await open.close();
  });

  describe('on the domain tests’ five hand-computed audits', () => {
    beforeAll(async () => {
      await insertFacts(open.db, FACTS);
    });

    it('ranks as the hand computation: average, latest, change since October, 末位', async () => {
      const ranking = await rankingOf(open.db, NOVEMBER, EVERYTHING, 1);
      expect(
        ranking.map((r) => [r.siteName, r.count, r.averagePercentTenths, r.latestPercentTenths, r.changeTenths, r.isBottom]),
      ).toEqual([
        ['甲', 2, 900, 800, null, false],
        ['丙', 1, 600, 600, null, false],
        // 乙: 33.3 % now, 60.0 % in October → −26.7
        ['乙', 1, 333, 333, -267, true],
      ]);
      expect(ranking).toEqual(domainRanking(FACTS, NOVEMBER, 1));
    });

    it('filters by site, region and rubric as the app does', async () => {
      expect((await rankingOf(open.db, { ...NOVEMBER, siteKey: 'name:乙' }, EVERYTHING, 0)).map((r) => r.siteKey)).toEqual(['name:乙']);
      expect(await rankingOf(open.db, { ...NOVEMBER, region: '华北' }, EVERYTHING, 5)).toEqual([]);
      expect(await rankingOf(open.db, { rubricId: 'KF02' }, EVERYTHING, 5)).toEqual([]);
    });

    it('heat map: the share of applicable points lost per site and item, 不适用 as null', async () => {
      const map = await heatMapOf(open.db, NOVEMBER, EVERYTHING);
      expect(map.items.map((i) => i.id)).toEqual(['1', '2']);
      // 甲 item 2: lost (20 − 20) + (20 − 16) = 4 of 40 → 10.0 %
      expect(map.cells.find((c) => c.siteKey === 'name:甲' && c.itemId === '2')).toEqual({
        siteKey: 'name:甲',
        itemId: '2',
        lostTenths: 100,
        lostH: 400,
        possibleH: 4000,
        audits: 2,
      });
      expect(map.cells.find((c) => c.siteKey === 'name:乙' && c.itemId === '2')?.lostTenths).toBe(1000);
      expect(map.cells.find((c) => c.siteKey === 'name:丙' && c.itemId === '2')?.lostTenths).toBeNull();
      expect(map.rubricVersions).toBe(1);
      expect(map.cells).toEqual(domainHeatCells(FACTS, NOVEMBER));
    });

    it('drill-down: the audits, grades and notes behind one cell', async () => {
      const cell = await drillDownOf(open.db, NOVEMBER, EVERYTHING, 'name:乙', '2');
      expect(cell).toEqual([
        {
          auditId: 'b1',
          auditedAt: '2026-11-10T02:00:00.000Z',
          auditor: '王小明',
          rubricFingerprint: 'sha256:v1',
          earnedH: 0,
          possibleH: 2000,
          units: [{ id: '2', itemId: '2', grade: 'non_compliant', note: '无人接听', earnedH: 0, possibleH: 2000 }],
        },
      ]);
    });

    it('trend: one site’s audits in view, oldest first', async () => {
      expect(await trendOf(open.db, NOVEMBER, EVERYTHING, 'name:甲')).toEqual([
        { auditId: 'a1', auditedAt: '2026-11-03T02:00:00.000Z', percentTenths: 1000 },
        { auditId: 'a2', auditedAt: '2026-11-20T02:00:00.000Z', percentTenths: 800 },
      ]);
    });
  });

  describe('with corrections, +08:00 times, another rubric and a newer rubric version added', () => {
    beforeAll(async () => {
      await insertFacts(open.db, EXTRA);
    });
    const all = [...FACTS, ...EXTRA];
    const filters: readonly HeadOfficeFilter[] = [
      NOVEMBER,
      { rubricId: 'KF01' },
      { rubricId: 'KF01', from: NOVEMBER.from },
      { ...NOVEMBER, region: '华北' },
      { ...NOVEMBER, auditor: '李华' },
      { ...NOVEMBER, siteKey: 'name:丁' },
      { rubricId: 'KF02' },
    ];

    it('ranks exactly as the domain under every filter', async () => {
      for (const filter of filters)
        for (const bottomN of [0, 1, 2]) expect(await rankingOf(open.db, filter, EVERYTHING, bottomN)).toEqual(domainRanking(all, filter, bottomN));
    });

    it('counts only the latest revision: 甲 is (100.0 + 86.7) / 2 = 93.4 with a2 corrected to 26/30', async () => {
      const [top] = await rankingOf(open.db, NOVEMBER, EVERYTHING, 0);
      expect([top?.siteName, top?.averagePercentTenths, top?.latestPercentTenths]).toEqual(['甲', 934, 867]);
    });

    it('compares times as instants: 丁’s late +08:00 audit is in November, its early one is not', async () => {
      const trend = await trendOf(open.db, NOVEMBER, EVERYTHING, 'name:丁');
      expect(trend.map((p) => p.auditId)).toEqual(['late', 'utc']);
      // The time as the tablet wrote it, offset kept.
      expect(trend[0]?.auditedAt).toBe('2026-12-01T01:00:00+08:00');
      expect(trend).toEqual(siteTrend(applyFilter(latestRevisions(all), NOVEMBER), 'name:丁'));
    });

    it('heat map and drill-down agree with the domain; the newer version’s item 3 is left out', async () => {
      for (const filter of filters) {
        const map = await heatMapOf(open.db, filter, EVERYTHING);
        expect(map.cells).toEqual(domainHeatCells(all, filter));
        const domainMap = heatMap(applyFilter(latestRevisions(all), filter));
        expect([map.items, map.rubricVersions, map.droppedItemIds]).toEqual([domainMap.items, domainMap.rubricVersions, domainMap.droppedItemIds]);
      }
      const november = await heatMapOf(open.db, NOVEMBER, EVERYTHING);
      expect([november.rubricVersions, november.droppedItemIds]).toEqual([2, ['3']]);
      const inView = applyFilter(latestRevisions(all), NOVEMBER);
      for (const siteKey of ['name:甲', 'name:乙', 'name:丙', 'name:丁'])
        for (const itemId of ['1', '2'])
          expect(await drillDownOf(open.db, NOVEMBER, EVERYTHING, siteKey, itemId)).toEqual(drillDown(inView, siteKey, itemId));
    });
  });
});
