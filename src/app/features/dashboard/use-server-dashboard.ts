import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HeatMap } from '../../../domain/head-office';
import type { FilterOptionsAnswer } from '../../../domain/wire';
import type { ApiFailure } from '../../server/api-client';
import { downloadBytes, safeFileName } from '../../download';
import { resolveFilter, selectionOf, type DashboardControls, type DashboardData, type DrillEntry } from './dashboard-data';
import { toDayValue } from './period';
import type { RankedSite } from './RankingTable';
import { readCsv, readDrillDown, readFilterOptions, readOverview, readTrend } from './server-queries';
import type { TrendPoint } from './TrendChart';
import { serverFilterOptions } from './view';

export type ServerDashboard =
  | { readonly state: 'loading' }
  /** The server has no audits at all. */
  | { readonly state: 'empty' }
  | { readonly state: 'ready'; readonly data: DashboardData; readonly total: number; readonly isStale: boolean };

export interface ServerEvents {
  /** An answer arrived: when, to say in the banner since when the figures are. */
  readonly onRead: (at: string) => void;
  /** No answer, or one the app cannot use: the page falls back to this device's data. */
  readonly onFailure: (failure: ApiFailure) => void;
}

/** One read that is still wanted: ignored once the inputs it was made for have changed (or the page left). */
function useRead<T>(key: string | undefined, read: (signal: AbortSignal) => Promise<{ ok: true; value: T } | ApiFailure>, events: ServerEvents) {
  const [answer, setAnswer] = useState<{ key: string; value: T }>();
  const { onRead, onFailure } = events;
  useEffect(() => {
    if (key === undefined) return;
    const abort = new AbortController();
    read(abort.signal)
      .catch((error: unknown): ApiFailure => ({
        ok: false,
        kind: 'unexpected',
        status: 0,
        message: error instanceof Error ? error.message : String(error),
      }))
      .then((result) => {
        if (abort.signal.aborted) return;
        if (!result.ok) {
          onFailure(result);
          return;
        }
        setAnswer({ key, value: result.value });
        onRead(new Date().toISOString());
      })
      .catch(() => undefined);
    return () => {
      abort.abort();
    };
    // `read` is made anew each render from what `key` names; the key says when it really changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, onRead, onFailure]);
  return answer;
}

/**
 * The dashboard over every audit on the server (head office signed in): the same figures as the local
 * comparison, asked of the server with the same filters. The filters' choices come from the server too.
 */
export function useServerDashboard(baseUrl: string, controls: DashboardControls, events: ServerEvents): ServerDashboard {
  const { t } = useTranslation();
  const { filters, bottomN, trendChoice, cellChoice } = controls;
  const asked = filters.rubricId === '' ? undefined : filters.rubricId;

  const choices = useRead<FilterOptionsAnswer>(
    JSON.stringify([baseUrl, asked]),
    (signal) => readFilterOptions(baseUrl, asked, signal),
    events,
  )?.value;
  const options = useMemo(() => (choices ? serverFilterOptions(choices) : undefined), [choices]);
  const rubricId = choices?.rubricId ?? undefined;
  const resolved = options && rubricId !== undefined ? resolveFilter(filters, rubricId, options) : undefined;
  const filterKey = resolved ? JSON.stringify([baseUrl, resolved.filter]) : undefined;

  const overviewKey = filterKey === undefined ? undefined : JSON.stringify([filterKey, bottomN]);
  const overview = useRead<{ ranking: RankedSite[]; heat: HeatMap }>(
    overviewKey,
    async (signal) => {
      if (!resolved) throw new Error('no filter to read');
      const answer = await readOverview(baseUrl, resolved.filter, bottomN, signal);
      return answer.ok ? { ok: true, value: { ranking: answer.ranking, heat: answer.heat } } : answer;
    },
    events,
  );
  const ranking = overview?.value.ranking ?? [];
  const heat = overview?.value.heat;
  const { trendSite, cellSite, cellItem } = selectionOf(ranking, heat?.items ?? [], trendChoice, cellChoice);

  const trendKey = overview?.key === overviewKey && trendSite ? JSON.stringify([filterKey, trendSite.siteKey]) : undefined;
  const trend = useRead<readonly TrendPoint[]>(
    trendKey,
    (signal) => {
      if (!resolved || !trendSite) throw new Error('no site to read');
      return readTrend(baseUrl, resolved.filter, trendSite.siteKey, signal);
    },
    events,
  );
  const drillKey =
    overview?.key === overviewKey && cellSite && cellItem ? JSON.stringify([filterKey, cellSite.siteKey, cellItem.id]) : undefined;
  const drill = useRead<readonly DrillEntry[]>(
    drillKey,
    (signal) => {
      if (!resolved || !cellSite || !cellItem) throw new Error('no cell to read');
      return readDrillDown(baseUrl, resolved.filter, cellSite.siteKey, cellItem.id, signal);
    },
    events,
  );

  if (!choices) return { state: 'loading' };
  if (choices.rubricId === null) return { state: 'empty' };
  if (!overview || !heat || !resolved || !options || rubricId === undefined) return { state: 'loading' };
  const { filter, bounds, previousBounds } = resolved;
  const inView = ranking.reduce((sum, r) => sum + r.count, 0);
  const signedOnServer = t('headOfficeOnline.signerOnServer');
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    state: 'ready',
    total: choices.rubrics.reduce((sum, r) => sum + r.audits, 0),
    // Figures for the previous filter stay on screen until the new ones arrive.
    isStale: overview.key !== overviewKey,
    data: {
      rubricIds: choices.rubrics.map((r) => r.rubricId),
      rubricId,
      options,
      bounds,
      previousBounds,
      inView,
      ranking,
      heat,
      trend: trend?.key === trendKey ? trend?.value : undefined,
      drill: drill?.key === drillKey ? drill?.value : undefined,
      signerOf: () => signedOnServer,
      csv: {
        kind: 'server',
        count: inView,
        download: async (what) => {
          const file = await readCsv(baseUrl, filter, what, timeZone);
          if (!file.ok) throw new Error(failureText(file));
          const today = toDayValue(new Date().toISOString());
          downloadBytes(file.bytes, safeFileName(`ducha-${rubricId}-${what}-${today}.csv`), 'text/csv;charset=utf-8');
        },
      },
    },
  };
}

/** A failure in a few words, for a message that also says what was being done. */
export function failureText(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'offline':
      return failure.message;
    case 'http':
      return failure.error ? `${failure.status} ${failure.error.error.message}` : `HTTP ${failure.status}`;
    case 'unexpected':
      return failure.message;
  }
}
