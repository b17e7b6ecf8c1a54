import { previousPeriod, type DashboardFilter, type drillDown, type FactSummary, type HeatMap } from '../../../domain/head-office';
import type { FilterState } from './DashboardFilters';
import type { HeatCellRef } from './HeatMapTable';
import { customBounds, presetBounds, type Bounds } from './period';
import type { RankedSite } from './RankingTable';
import type { TrendPoint } from './TrendChart';
import { chosen, type FilterOptions } from './view';

export type DrillEntry = ReturnType<typeof drillDown>[number];

/** What the dashboard's user has chosen: kept by the page, so switching between server and local keeps it. */
export interface DashboardControls {
  readonly filters: FilterState;
  readonly setFilters: (update: (current: FilterState) => FilterState) => void;
  readonly bottomN: number;
  readonly setBottomN: (n: number) => void;
  readonly showAll: boolean;
  readonly setShowAll: (all: boolean) => void;
  readonly trendChoice: string | undefined;
  readonly setTrendChoice: (siteKey: string | undefined) => void;
  readonly cellChoice: HeatCellRef | undefined;
  readonly setCellChoice: (cell: HeatCellRef | undefined) => void;
}

/** The CSV files of the audits in view: made here from local facts, or downloaded as the server makes them. */
export type CsvExport =
  | { readonly kind: 'local'; readonly facts: readonly FactSummary[] }
  | { readonly kind: 'server'; readonly count: number; readonly download: (what: 'audits' | 'units') => Promise<void> };

/**
 * Everything the dashboard's panels show, whichever source it came from (this device's imports, or every
 * audit on the server): the seam that keeps the components the same for both.
 */
export interface DashboardData {
  readonly rubricIds: readonly string[];
  readonly rubricId: string;
  readonly options: FilterOptions;
  readonly bounds: Partial<Bounds>;
  readonly previousBounds: Bounds | undefined;
  /** Audits in view. */
  readonly inView: number;
  readonly ranking: readonly RankedSite[];
  readonly heat: HeatMap;
  /** The chosen site's points; undefined while they are being read. */
  readonly trend: readonly TrendPoint[] | undefined;
  /** The opened cell's audits; undefined while they are being read (or no cell is open). */
  readonly drill: readonly DrillEntry[] | undefined;
  readonly signerOf: (auditId: string) => string;
  readonly csv: CsvExport;
}

/** The filter the dashboard asks for, from the choices on screen and the options still valid. */
export function resolveFilter(
  filters: FilterState,
  rubricId: string,
  options: FilterOptions,
): { filter: DashboardFilter; bounds: Partial<Bounds>; previousBounds: Bounds | undefined } {
  const bounds: Partial<Bounds> =
    filters.period === 'custom'
      ? customBounds(filters.customFrom, filters.customTo)
      : options.newest !== undefined
        ? presetBounds(filters.period, new Date(options.newest))
        : {};
  const { from, to } = bounds;
  const region = chosen(filters.region, options.regions);
  const siteKey = chosen(
    filters.siteKey,
    options.sites.map((s) => s.siteKey),
  );
  const auditor = chosen(filters.auditor, options.auditors);
  const filter: DashboardFilter = {
    rubricId,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(region === undefined ? {} : { region }),
    ...(siteKey === undefined ? {} : { siteKey }),
    ...(auditor === undefined ? {} : { auditor }),
  };
  // An open-ended custom period has no "same length before it" to compare with.
  const previousBounds = from !== undefined && to !== undefined ? previousPeriod(from, to) : undefined;
  return { filter, bounds, previousBounds };
}

/** The site whose trend is drawn (the chosen one, else the best), and the heat-map cell opened, if still in view. */
export function selectionOf(
  ranking: readonly RankedSite[],
  items: HeatMap['items'],
  trendChoice: string | undefined,
  cellChoice: HeatCellRef | undefined,
) {
  const trendSite = ranking.find((r) => r.siteKey === trendChoice) ?? ranking[0];
  const cellSite = ranking.find((r) => r.siteKey === cellChoice?.siteKey);
  const cellItem = items.find((i) => i.id === cellChoice?.itemId);
  return { trendSite, cellSite, cellItem };
}
