import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFilter, latestRevisions, rubricChoices, type AuditFact } from '../../src/domain/head-office';
import { filterOptions } from '../../src/app/features/dashboard/view';
import { migrate } from '../../src/server/db/migrate';
import { openDatabase, type OpenDatabase } from '../../src/server/db/open-database';
import { filterOptionsOf } from '../../src/server/head-office/filter-options';
import { BACKENDS, useBackend } from './support/backends';
import { fact, FACTS, insertFacts } from './support/head-office-facts';

// The domain's five, a correction that renames a site and moves it to another region (only the latest
// revision counts), a second auditor, and three audits of KF02: KF01 still has more.
const MORE: readonly AuditFact[] = [
  fact({ id: 'a2r2', lineageId: 'a2', revision: 2, site: '甲', at: '2026-11-20T02:00:00.000Z', e1: 10, e2: 16 }),
  fact({ id: 'c1r2', lineageId: 'c1', revision: 2, site: '丙新名', siteKey: 'name:丙', region: '华北', at: '2026-11-12T02:00:00.000Z', e1: 6, e2: 0, p2: 0 }),
  fact({ id: 'd1', site: '丁', at: '2026-12-01T01:00:00+08:00', e1: 5, e2: 5, auditor: '李华', region: '' }),
  fact({ id: 'k1', site: '甲', at: '2026-11-05T02:00:00.000Z', e1: 1, e2: 1, rubricId: 'KF02', region: '西南', auditor: '赵六' }),
  fact({ id: 'k2', site: '戊', at: '2026-11-06T02:00:00.000Z', e1: 1, e2: 1, rubricId: 'KF02' }),
  fact({ id: 'k3', site: '戊', at: '2026-11-07T02:00:00.000Z', e1: 1, e2: 1, rubricId: 'KF02' }),
];
const ALL = [...FACTS, ...MORE];

/** What the app offers from the same facts held locally (view.ts), in the answer's shape. */
function localOptions(facts: readonly AuditFact[], rubricId: string) {
  const options = filterOptions(applyFilter(latestRevisions(facts), { rubricId }));
  return {
    regions: options.regions,
    auditors: options.auditors,
    sites: options.sites.map((s) => ({ siteKey: s.siteKey, siteName: s.siteName })),
    newest: options.newest ?? null,
  };
}

const byChinese = (a: string, b: string) => a.localeCompare(b, 'zh-CN');

describe.each(BACKENDS)('the dashboard filters’ choices from the server, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let open: OpenDatabase;

  beforeAll(async () => {
    open = await openDatabase(await backend.freshConfig());
    await migrate(open.db);
  }, 120_000);
  afterAll(async () => {
    await open.close();
  });

  it('says there is nothing to choose from before any audit arrives', async () => {
    expect(await filterOptionsOf(open.db, undefined)).toEqual({ rubrics: [], rubricId: null, regions: [], sites: [], auditors: [], newest: null });
  });

  it('offers what the app offers from the same audits: latest revisions only, each site under its latest name', async () => {
    await insertFacts(open.db, ALL);
    const answer = await filterOptionsOf(open.db, undefined);
    // KF01: a1, a2 (→ a2r2), b1, b0, c1 (→ c1r2), d1 = 6 audits; KF02: 3.
    expect(answer.rubrics).toEqual([
      { rubricId: 'KF01', audits: 6 },
      { rubricId: 'KF02', audits: 3 },
    ]);
    expect(answer.rubricId).toBe(rubricChoices(new Map([['KF01', 6], ['KF02', 3]])).preferred);
    expect(answer.rubricId).toBe('KF01');
    // 丙 moved to 华北 under a new name in its correction; 丁 gave an empty region (no choice for it).
    expect([...answer.regions].sort(byChinese)).toEqual(['华北', '华南']);
    expect([...answer.auditors].sort(byChinese)).toEqual(['李华', '王小明'].sort(byChinese));
    expect(answer.sites).toEqual([
      { siteKey: 'name:丁', siteName: '丁' },
      { siteKey: 'name:丙', siteName: '丙新名' },
      { siteKey: 'name:乙', siteName: '乙' },
      { siteKey: 'name:甲', siteName: '甲' },
    ]);
    // The newest by instant (2026-11-30T17:00Z), as the tablet wrote it.
    expect(answer.newest).toBe('2026-12-01T01:00:00+08:00');
    const local = localOptions(ALL, 'KF01');
    expect({
      regions: [...answer.regions].sort(byChinese),
      auditors: [...answer.auditors].sort(byChinese),
      sites: [...answer.sites].sort((a, b) => byChinese(a.siteName, b.siteName)),
      newest: answer.newest,
    }).toEqual(local);
  });

  it('gives another rubric’s choices when asked, and the preferred one for a rubric nobody used', async () => {
    const kf02 = await filterOptionsOf(open.db, 'KF02');
    expect(kf02.rubricId).toBe('KF02');
    expect(kf02.sites).toEqual([
      { siteKey: 'name:戊', siteName: '戊' },
      { siteKey: 'name:甲', siteName: '甲' },
    ]);
    expect([...kf02.regions].sort(byChinese)).toEqual(['华南', '西南']);
    expect(kf02.newest).toBe('2026-11-07T02:00:00.000Z');
    expect((await filterOptionsOf(open.db, 'KF99')).rubricId).toBe('KF01');
  });
});
