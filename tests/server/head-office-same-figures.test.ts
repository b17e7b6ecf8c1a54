import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyFilter,
  auditFactFromEnvelope,
  heatKey,
  heatMap,
  latestRevisions,
  previousPeriod,
  rankSites,
  siteTrend,
  summaryOf,
  type FactSummary,
} from '../../src/domain/head-office';
import { filterOptionsSchema, heatMapSchema, rankingSchema, trendSchema } from '../../src/domain/wire';
import { filterOptions, serverFilterOptions } from '../../src/app/features/dashboard/view';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { nodeSigner } from '../support/sealed-audit';
import { useBackend } from './support/backends';
import {
  EXPECTED_RANKING,
  sealHeadOfficeAudits,
  STRONG,
  uploadAsTablet,
  WEAK,
} from './support/head-office-audits';
import { signedInAs, type SignedIn } from './support/sessions';
import { getJson } from './support/uploads';

// November in UTC; the previous period (October) has no audits, so no change is shown.
const FILTER = { rubricId: 'KF01', from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' } as const;
const query = (extra: Record<string, string> = {}) => new URLSearchParams({ ...FILTER, ...extra }).toString();

/**
 * The same sealed audits sent to the server by a tablet (POST /api/audits) and compared in the browser by the
 * domain's functions (what a tablet's dashboard of its own audits runs): the server's answers, parsed with the
 * wire schemas the app parses them with, give the very figures the local comparison gives, and both the
 * hand-computed ones.
 */
describe('the dashboard online and offline give the same figures for the same audits', () => {
  const backend = useBackend('PGlite');
  let server: RunningServer;
  let admin: SignedIn;
  let local: FactSummary[];

  beforeAll(async () => {
    const tablet = await nodeSigner();
    const sealed = await sealHeadOfficeAudits(tablet);

    server = await startServer(await backend.freshConfig(), { logger: false });
    const auditor = await signedInAs(server, 'auditor', { displayName: '王小明' });
    admin = await signedInAs(server, 'admin');
    await uploadAsTablet(
      auditor,
      tablet,
      sealed.map((s) => s.envelope),
    );

    local = latestRevisions(sealed.map((s) => summaryOf(auditFactFromEnvelope(s.envelope))));
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('ranking: the same sites, averages, latest percents, counts and 末位, as computed by hand', async () => {
    const answer = await getJson(`${server.url}/api/head-office/ranking?${query({ bottomN: '1' })}`, admin);
    expect(answer.status).toBe(200);
    const online = rankingSchema.parse(answer.body).ranking;
    const before = previousPeriod(FILTER.from, FILTER.to);
    const offline = rankSites(applyFilter(local, FILTER), applyFilter(local, { ...FILTER, ...before }), 1);
    const figures = (rows: readonly { siteName: string; count: number; averagePercentTenths: number | null; latestPercentTenths: number | null; isBottom: boolean }[]) =>
      rows.map((r) => ({ siteName: r.siteName, count: r.count, averagePercentTenths: r.averagePercentTenths, latestPercentTenths: r.latestPercentTenths, isBottom: r.isBottom }));
    expect(figures(online)).toEqual(EXPECTED_RANKING);
    expect(figures(offline)).toEqual(EXPECTED_RANKING);
    // Every field alike, the region and the latest audit's time included.
    expect(online).toEqual(offline.map((r) => (r.region === undefined ? { ...r, region: undefined } : r)));
    expect(online.map((r) => [r.region, r.latestAuditedAt, r.changeTenths])).toEqual([
      ['华南', '2026-11-17T02:00:00.000Z', null],
      ['华北', '2026-11-10T02:00:00.000Z', null],
    ]);
  });

  it('heat map and trend: the same shares of points lost and the same points', async () => {
    const heat = heatMapSchema.parse((await getJson(`${server.url}/api/head-office/heat-map?${query()}`, admin)).body);
    const offline = heatMap(applyFilter(local, FILTER));
    expect(heat.items).toEqual(offline.items);
    expect(new Map(heat.cells.map(({ siteKey, itemId, ...cell }) => [heatKey(siteKey, itemId), cell]))).toEqual(offline.cells);
    const weakKey = local.find((f) => f.siteName === WEAK)?.siteKey ?? '';
    const strongKey = local.find((f) => f.siteName === STRONG)?.siteKey ?? '';
    expect(heat.cells.find((c) => c.siteKey === weakKey && c.itemId === '4')?.lostTenths).toBe(1000);
    expect(heat.cells.find((c) => c.siteKey === strongKey && c.itemId === '4')?.lostTenths).toBe(500);
    const trend = trendSchema.parse((await getJson(`${server.url}/api/head-office/trend?${query({ site: strongKey })}`, admin)).body);
    expect(trend.points).toEqual(siteTrend(applyFilter(local, FILTER), strongKey));
    expect(trend.points.map((p) => p.percentTenths)).toEqual([1000, 663]);
  });

  it('the filters offer the same choices', async () => {
    const answer = filterOptionsSchema.parse((await getJson(`${server.url}/api/head-office/filter-options`, admin)).body);
    expect(answer.rubrics).toEqual([{ rubricId: 'KF01', audits: 3 }]);
    expect(serverFilterOptions(answer)).toEqual(filterOptions(local.filter((f) => f.rubricId === 'KF01')));
    expect(serverFilterOptions(answer).regions).toEqual(['华北', '华南']);
  });
});
