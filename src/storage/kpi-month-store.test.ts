import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseRankingDefinition,
  rankMonth,
  type RankingDefinition,
  type Rubric,
} from '../domain/head-office';
import { loadRubric, readJson, repoRoot } from '../../tests/support/load';
import { DuchaDb } from './db';
import { KpiMonthStore } from './kpi-month-store';

const rubrics = new Map<string, Rubric>([
  ['KPI-CC', loadRubric('KPI-CC')],
  ['KPI-YYT', loadRubric('KPI-YYT')],
]);
const threeSites = readFileSync(join(repoRoot, 'tests/fixtures/kpi/figures-three-sites.csv'), 'utf8');
const parsedDefinition = parseRankingDefinition(readJson('rankings/monthly.json'));
if (!parsedDefinition.ok) throw new Error('rankings/monthly.json is invalid');
const monthly: RankingDefinition = parsedDefinition.value;

let dbName: string;
let db: DuchaDb;
let clock = '2026-12-01T08:00:00.000Z';
const open = () => {
  db = new DuchaDb(dbName);
  return new KpiMonthStore(db, () => clock);
};
beforeEach(() => {
  dbName = `kpi-${crypto.randomUUID()}`;
  clock = '2026-12-01T08:00:00.000Z';
});
afterEach(async () => {
  db.close();
  await Dexie.delete(dbName);
});

const scores = async (store: KpiMonthStore) =>
  (await store.months()).map(
    (m) =>
      `${m.month} ${m.site} ${m.rubricId} ${String(m.earnedH)}/${String(m.possibleH)} r${String(m.revision)}`,
  );

describe('KpiMonthStore', () => {
  it('scores each month × site × rubric of a file with the metric rules (worked out by hand)', async () => {
    const store = open();
    const outcome = await store.importCsv(threeSites, rubrics, 'figures.csv');
    expect(outcome).toEqual({ ok: true, imported: 9, replaced: [] });
    // KPI-CC (40 + 10 + 40 + 10 points): 1 linear 满意率/98 % (0 below 90 %), 2 steps from 2200 calls, 3 linear
    // 回访率/90 % (0 below 70 %), 4 5 points per event. KPI-YYT: 1 80 × 满意率/95 % (0 below 90 %), 2 5 per event.
    // 2026-11 甲 CC: 98 % → 40, 2200 → 10, 90 % → 40, 0 → 10 = 100.
    // 2026-11 乙 CC: 40×95/98 = 38.7755 → 38.78; 2000 is 2 hundreds short → 8; 40×81/90 = 36; 1 event → 5: 87.78.
    // 2026-11 丙 CC: 89.99 % < 90 % → 0; 1799: 400 short in the first band → −4 (1 into the second, no full
    //   hundred) → 6; 40×70/90 = 31.111 → 31.11; 3 events → 10 − 15 → 0: 37.11.
    // 2026-11 YYT 甲: 95 % → 80, 0 → 20 = 100; 乙: 80×92/95 = 77.4737 → 77.47, 2 → 10 = 87.47;
    //   丙: 80×90/95 = 75.7895 → 75.79, 0 → 20 = 95.79.
    // 2026-10 CC 甲: 40×96/98 = 39.1837 → 39.18, 2100 → 9, 40, 10 = 98.18; 乙: all at target = 100;
    //   丙: 40, 10, 40×85/90 = 37.7778 → 37.78, 10 = 97.78.
    expect(await scores(store)).toEqual([
      '2026-11 丙站 KPI-CC 3711/10000 r1',
      '2026-11 丙站 KPI-YYT 9579/10000 r1',
      '2026-11 甲站 KPI-CC 10000/10000 r1',
      '2026-11 甲站 KPI-YYT 10000/10000 r1',
      '2026-11 乙站 KPI-CC 8778/10000 r1',
      '2026-11 乙站 KPI-YYT 8747/10000 r1',
      '2026-10 丙站 KPI-CC 9778/10000 r1',
      '2026-10 甲站 KPI-CC 9818/10000 r1',
      '2026-10 乙站 KPI-CC 10000/10000 r1',
    ]);
    const [first] = await store.months();
    expect(first).toMatchObject({
      version: 1,
      siteKey: 'name:丙站',
      scoringRules: 3,
      figures: { '1': 89.99, '2': 1799, '3': 70, '4': 3 },
      units: [
        { id: '1', earnedH: 0, possibleH: 4000 },
        { id: '2', earnedH: 600, possibleH: 1000 },
        { id: '3', earnedH: 3111, possibleH: 4000 },
        { id: '4', earnedH: 0, possibleH: 1000 },
      ],
      missing: [],
      importedAt: '2026-12-01T08:00:00.000Z',
      source: 'figures.csv',
    });
  });

  it('gives the ranking facts that rank the months as worked out by hand, 丙站 on the 约谈 list', async () => {
    const store = open();
    await store.importCsv(threeSites, rubrics, 'figures.csv');
    const facts = await store.rankingFacts();
    const november = rankMonth(monthly, facts, '2026-11');
    // Each site's score is (25 × CC + 25 × YYT) / 50 in hundredths of a percent, half up (no scorecard audits):
    // 甲 (10000 + 10000) / 2 = 10000; 乙 (8778 + 8747) / 2 = 8762.5 → 8763; 丙 (3711 + 9579) / 2 = 6645.
    expect(
      november.rows.map((r) => [r.rank, r.siteName, r.scoreBp, r.coveredWeight, r.isBottom, r.isSummoned]),
    ).toEqual([
      [1, '甲站', 10000, 50, false, false],
      [2, '乙站', 8763, 50, false, false],
      [3, '丙站', 6645, 50, true, true],
    ]);
    expect(november.summoned).toEqual(['name:丙站']);
    expect(
      november.rows[2]?.belowTarget.map(
        (u) => `${u.rubricId} ${u.unitId} ${String(u.earnedH)}/${String(u.possibleH)}`,
      ),
    ).toEqual([
      'KPI-CC 1 0/4000',
      'KPI-CC 2 600/1000',
      'KPI-CC 3 3111/4000',
      'KPI-CC 4 0/1000',
      'KPI-YYT 1 7579/8000',
    ]);
    // October has KPI-CC only: 乙 10000, 甲 9818, 丙 9778 (末位, 回访率 37.78/40 below target → 约谈).
    const october = rankMonth(monthly, facts, '2026-10');
    expect(october.rows.map((r) => [r.rank, r.siteName, r.scoreBp, r.coveredWeight, r.isSummoned])).toEqual([
      [1, '乙站', 10000, 25, false],
      [2, '甲站', 9818, 25, false],
      [3, '丙站', 9778, 25, true],
    ]);
    expect(october.notes.map((n) => `${n.rubricId} ${n.reason}`)).toContain('KPI-YYT none-this-month');
  });

  it('replaces a re-imported month, site and rubric and says which it replaced', async () => {
    const store = open();
    await store.importCsv(threeSites, rubrics, 'figures.csv');
    clock = '2026-12-02T08:00:00.000Z';
    // 乙站 November again, now at target on every indicator: 100 instead of 87.78.
    const again = await store.importCsv(
      [
        '月份,被考核单位,考核表,序号,数值',
        '2026-11,乙站,KPI-CC,1,98',
        '2026-11,乙站,KPI-CC,2,2200',
        '2026-11,乙站,KPI-CC,3,90',
        '2026-11,乙站,KPI-CC,4,0',
      ].join('\n'),
      rubrics,
      'fix.csv',
    );
    expect(again.ok && again.imported).toBe(1);
    expect(
      again.ok && again.replaced.map((m) => [m.site, m.month, m.rubricId, m.earnedH, m.revision]),
    ).toEqual([['乙站', '2026-11', 'KPI-CC', 8778, 1]]);
    const months = await store.months();
    expect(months).toHaveLength(9);
    expect(
      months.find((m) => m.site === '乙站' && m.month === '2026-11' && m.rubricId === 'KPI-CC'),
    ).toMatchObject({
      earnedH: 10000,
      revision: 2,
      source: 'fix.csv',
      importedAt: '2026-12-02T08:00:00.000Z',
    });
    // Only the latest revision counts: 乙 is now (10000 + 8747) / 2 = 9373.5 → 9374.
    const november = rankMonth(monthly, await store.rankingFacts(), '2026-11');
    expect(november.rows.map((r) => [r.siteName, r.scoreBp])).toEqual([
      ['甲站', 10000],
      ['乙站', 9374],
      ['丙站', 6645],
    ]);
  });

  it('refuses a whole file for one bad line, naming every bad line, and leaves what was stored alone', async () => {
    const store = open();
    await store.importCsv(threeSites, rubrics, 'figures.csv');
    const before = await store.months();
    const outcome = await store.importCsv(
      [
        'month,site,rubric,unit,figure',
        '2026-11,甲站,KPI-CC,1,50',
        '2026-11,乙站,KPI-CC,1,95%',
        '2026-11,丙站,KPI-CC,9,1',
      ].join('\n'),
      rubrics,
      'bad.csv',
    );
    expect(outcome).toEqual({
      ok: false,
      issues: [
        { line: 3, reason: '数值不是数字(不要带单位或符号):“95%”' },
        { line: 4, reason: '考核表 KPI-CC 没有指标“9”' },
      ],
    });
    // Line 2 was good and would have replaced 甲站's November: it did not.
    expect(await store.months()).toEqual(before);
  });

  it('stores nothing from a bad file into an empty store', async () => {
    const store = open();
    const outcome = await store.importCsv(
      'month,site,rubric,unit,figure\n2026-13,甲站,KPI-CC,1,98\n',
      rubrics,
      'bad.csv',
    );
    expect(outcome.ok).toBe(false);
    expect(await db.kpiMonths.count()).toBe(0);
  });

  it('keeps the imported months when the database is opened again', async () => {
    const store = open();
    await store.importCsv(threeSites, rubrics, 'figures.csv');
    const before = await scores(store);
    db.close();
    const reopened = open();
    expect(await scores(reopened)).toEqual(before);
    expect(before).toHaveLength(9);
  });

  it('reports a stored record that no longer matches the schema instead of ranking it', async () => {
    const store = open();
    await store.importCsv(threeSites, rubrics, 'figures.csv');
    const [row] = await db.kpiMonths.toArray();
    if (row === undefined) throw new Error('nothing stored');
    await db.kpiMonths.put({ ...row, record: { ...Object(row.record), earnedH: -1 } });
    await expect(store.rankingFacts()).rejects.toMatchObject({ kind: 'corrupt' });
  });
});
