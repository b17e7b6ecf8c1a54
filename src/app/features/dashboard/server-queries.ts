import { heatKey, type DashboardFilter, type HeatMap } from '../../../domain/head-office';
import {
  drillDownSchema,
  filterOptionsSchema,
  heatMapSchema,
  rankingSchema,
  trendSchema,
  type FilterOptionsAnswer,
} from '../../../domain/wire';
import { callApi, type ApiFailure, type ApiResult } from '../../server/api-client';
import { fetchServerFile, type FileResult } from '../../server/api-download';
import type { DrillEntry } from './dashboard-data';
import type { RankedSite } from './RankingTable';
import type { TrendPoint } from './TrendChart';

// The head-office API (src/server/http/api-routes.ts); every answer is parsed with its wire schema.
const PATHS = {
  filterOptions: '/api/head-office/filter-options',
  ranking: '/api/head-office/ranking',
  heatMap: '/api/head-office/heat-map',
  trend: '/api/head-office/trend',
  drillDown: '/api/head-office/drill-down',
  auditsCsv: '/api/head-office/audits.csv',
  unitsCsv: '/api/head-office/units.csv',
} as const;

const queryOf = (filter: DashboardFilter): Record<string, string | undefined> => ({
  rubricId: filter.rubricId,
  from: filter.from,
  to: filter.to,
  region: filter.region,
  siteKey: filter.siteKey,
  auditor: filter.auditor,
});

export function readFilterOptions(baseUrl: string, rubricId: string | undefined, signal: AbortSignal): Promise<ApiResult<FilterOptionsAnswer>> {
  return callApi(baseUrl, { path: PATHS.filterOptions, query: { rubricId }, schema: filterOptionsSchema, signal });
}

/** The heat map's cells as the components hold them: keyed by site and item. */
function heatMapOf(answer: ReturnType<typeof heatMapSchema.parse>): HeatMap {
  return {
    items: answer.items,
    sites: answer.sites,
    cells: new Map(
      answer.cells.map((c) => [
        heatKey(c.siteKey, c.itemId),
        { lostTenths: c.lostTenths, lostH: c.lostH, possibleH: c.possibleH, audits: c.audits },
      ]),
    ),
    rubricVersions: answer.rubricVersions,
    droppedItemIds: answer.droppedItemIds,
  };
}

/** The ranking and the heat map of the audits in view: what every filter change reads. */
export async function readOverview(
  baseUrl: string,
  filter: DashboardFilter,
  bottomN: number,
  signal: AbortSignal,
): Promise<{ ok: true; ranking: RankedSite[]; heat: HeatMap } | ApiFailure> {
  const query = queryOf(filter);
  const [ranking, heat] = await Promise.all([
    callApi(baseUrl, { path: PATHS.ranking, query: { ...query, bottomN }, schema: rankingSchema, signal }),
    callApi(baseUrl, { path: PATHS.heatMap, query, schema: heatMapSchema, signal }),
  ]);
  if (!ranking.ok) return ranking;
  if (!heat.ok) return heat;
  return {
    ok: true,
    ranking: ranking.value.ranking.map((r, i) => ({ ...r, region: r.region, rank: i + 1 })),
    heat: heatMapOf(heat.value),
  };
}

export async function readTrend(
  baseUrl: string,
  filter: DashboardFilter,
  siteKey: string,
  signal: AbortSignal,
): Promise<ApiResult<readonly TrendPoint[]>> {
  const answer = await callApi(baseUrl, { path: PATHS.trend, query: { ...queryOf(filter), site: siteKey }, schema: trendSchema, signal });
  return answer.ok ? { ...answer, value: answer.value.points } : answer;
}

export async function readDrillDown(
  baseUrl: string,
  filter: DashboardFilter,
  siteKey: string,
  itemId: string,
  signal: AbortSignal,
): Promise<ApiResult<readonly DrillEntry[]>> {
  const answer = await callApi(baseUrl, {
    path: PATHS.drillDown,
    query: { ...queryOf(filter), site: siteKey, item: itemId },
    schema: drillDownSchema,
    signal,
  });
  return answer.ok ? { ...answer, value: answer.value.audits } : answer;
}

/** 考核 or 评分单元 CSV as the server writes it (the same columns and headers as the app's), in this device's zone. */
export function readCsv(baseUrl: string, filter: DashboardFilter, what: 'audits' | 'units', timeZone: string): Promise<FileResult> {
  return fetchServerFile(baseUrl, what === 'audits' ? PATHS.auditsCsv : PATHS.unitsCsv, { ...queryOf(filter), tz: timeZone });
}
