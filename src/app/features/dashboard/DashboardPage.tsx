import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  applyFilter,
  drillDown,
  heatMap,
  latestRevisions,
  previousPeriod,
  rankSites,
  siteTrend,
  type FactSummary,
  type DashboardFilter,
} from '../../../domain/head-office';
import { SNAPSHOT_REFRESH_DELAY_MS } from '../../../storage/head-office-store';
import { useHeadOffice } from '../../providers/store-provider';
import { DashboardFilters, type FilterState } from './DashboardFilters';
import { DrillDown } from './DrillDown';
import { ExportPanel } from './ExportPanel';
import { HeldPanel } from './HeldPanel';
import { HeatMapTable, type HeatCellRef } from './HeatMapTable';
import { ImportPanel } from './ImportPanel';
import { KeyRegisterPanel } from './KeyRegisterPanel';
import { KpiImportPanel } from './KpiImportPanel';
import { MonthlyRankingPanel } from './MonthlyRankingPanel';
import { customBounds, presetBounds, toDayValue, type Bounds } from './period';
import { RankingTable, type RankedSite } from './RankingTable';
import { TrendChart } from './TrendChart';
import { useSignerLabel } from './signers';
import { chosen, filterOptions, rubricChoices, visibleEnds } from './view';

/** One empty list, so the ranking's memos and live queries keep their inputs between renders. */
const noFacts: readonly FactSummary[] = [];

const initialFilters: FilterState = {
  rubricId: '',
  period: 'year',
  customFrom: '',
  customTo: '',
  region: '',
  siteKey: '',
  auditor: '',
};

function DashboardView({ facts }: { facts: readonly FactSummary[] }) {
  const { t } = useTranslation();
  const headOffice = useHeadOffice();
  const [filters, setFilters] = useState<FilterState>(initialFilters);
  const [bottomN, setBottomN] = useState(5);
  const [showAll, setShowAll] = useState(false);
  const [trendChoice, setTrendChoice] = useState<string>();
  const [cellChoice, setCellChoice] = useState<HeatCellRef>();

  // Aggregation stays on the main thread: with 10,205 generated audits over 500 sites, the memos below
  // take ≈ 50 ms and the whole render ≈ 130 ms in headless Chromium, well under the 300 ms at which a
  // Worker (and a structured copy of every fact) would pay for itself. Loading the facts from IndexedDB
  // costs far more than comparing them.
  // Corrected audits replace their earlier revisions before anything is counted.
  const latest = useMemo(() => latestRevisions(facts), [facts]);
  const rubrics = useMemo(() => rubricChoices(latest), [latest]);
  const rubricId = chosen(filters.rubricId, rubrics.ids) ?? rubrics.preferred ?? '';
  const ofRubric = useMemo(() => latest.filter((f) => f.rubricId === rubricId), [latest, rubricId]);
  const options = useMemo(() => filterOptions(ofRubric), [ofRubric]);
  const siteKeys = useMemo(() => options.sites.map((s) => s.siteKey), [options]);

  const bounds: Partial<Bounds> =
    filters.period === 'custom'
      ? customBounds(filters.customFrom, filters.customTo)
      : options.newest !== undefined
        ? presetBounds(filters.period, new Date(options.newest))
        : {};
  const { from, to } = bounds;
  const region = chosen(filters.region, options.regions);
  const siteKey = chosen(filters.siteKey, siteKeys);
  const auditor = chosen(filters.auditor, options.auditors);

  const { inView, previous, previousBounds } = useMemo(() => {
    const filter: DashboardFilter = { rubricId, from, to, region, siteKey, auditor };
    const current = applyFilter(ofRubric, filter);
    // An open-ended custom period has no "same length before it" to compare with.
    const before = from !== undefined && to !== undefined ? previousPeriod(from, to) : undefined;
    return {
      inView: current,
      previous: before ? applyFilter(ofRubric, { ...filter, ...before }) : [],
      previousBounds: before,
    };
  }, [ofRubric, rubricId, from, to, region, siteKey, auditor]);

  const ranking = useMemo(
    (): RankedSite[] => rankSites(inView, previous, bottomN).map((r, i) => ({ ...r, rank: i + 1 })),
    [inView, previous, bottomN],
  );
  const visible = useMemo(() => visibleEnds(ranking, showAll), [ranking, showAll]);
  const heat = useMemo(() => heatMap(inView), [inView]);

  const trendSite = ranking.find((r) => r.siteKey === trendChoice) ?? ranking[0];
  const trend = useMemo(() => (trendSite ? siteTrend(inView, trendSite.siteKey) : []), [inView, trendSite]);

  const cellSite = ranking.find((r) => r.siteKey === cellChoice?.siteKey);
  const cellItem = heat.items.find((i) => i.id === cellChoice?.itemId);
  // Grades and notes are read only for the cell opened: the dashboard itself holds summaries.
  const cellFacts = useMemo(
    () => (cellSite ? inView.filter((f) => f.siteKey === cellSite.siteKey) : []),
    [inView, cellSite],
  );
  const detailed = useLiveQuery(() => headOffice.withUnits(cellFacts), [headOffice, cellFacts]);
  const drill = useMemo(
    () => (cellSite && cellItem && detailed ? drillDown(detailed, cellSite.siteKey, cellItem.id) : []),
    [detailed, cellSite, cellItem],
  );
  const signerLabel = useSignerLabel();
  const signers = useMemo(() => new Map(inView.map((f) => [f.auditId, f.signer])), [inView]);

  const changeFilters = (change: Partial<FilterState>) => {
    setFilters((current) => {
      const next = { ...current, ...change };
      // Switching to "custom" starts from the period on screen rather than from two empty dates.
      if (change.period === 'custom' && current.customFrom === '' && current.customTo === '' && from && to)
        return { ...next, customFrom: toDayValue(from), customTo: toDayValue(to) };
      return next;
    });
  };

  if (latest.length === 0)
    return (
      <>
        <p className="banner banner--info" data-testid="dashboard-empty">
          {t('dashboard.empty')}
        </p>
        {/* Imported KPI figures rank on their own, before any audit is here. */}
        <MonthlyRankingPanel facts={noFacts} />
        <ExportPanel facts={[]} rubricId="" />
      </>
    );

  return (
    <>
      <DashboardFilters
        state={filters}
        onChange={changeFilters}
        rubricIds={rubrics.ids}
        rubricId={rubricId}
        options={options}
        inView={inView.length}
      />
      {inView.length === 0 ? (
        <p className="banner banner--info" data-testid="none-in-view">
          {t('dashboard.noneInView')}
        </p>
      ) : (
        <>
          <RankingTable
            head={visible.head}
            tail={visible.tail}
            hidden={visible.hidden}
            total={ranking.length}
            bottomN={bottomN}
            onBottomN={setBottomN}
            showAll={showAll}
            onShowAll={setShowAll}
            selected={trendSite?.siteKey}
            onSelect={setTrendChoice}
            previous={previousBounds}
          />
          {trendSite ? (
            <TrendChart siteName={trendSite.siteName} points={trend} />
          ) : (
            <p>{t('dashboard.trend.choose')}</p>
          )}
          <HeatMapTable
            heat={heat}
            head={visible.head}
            tail={visible.tail}
            hidden={visible.hidden}
            selected={cellSite && cellItem ? { siteKey: cellSite.siteKey, itemId: cellItem.id } : undefined}
            onSelect={setCellChoice}
          />
          {cellSite && cellItem && (
            <DrillDown
              siteName={cellSite.siteName}
              item={cellItem}
              entries={drill}
              signerOf={(auditId) => signerLabel(signers.get(auditId) ?? '')}
              onClose={() => {
                setCellChoice(undefined);
              }}
            />
          )}
        </>
      )}
      {/* Across scorecards, so it reads every audit rather than the filtered scorecard. */}
      <MonthlyRankingPanel facts={latest} />
      <ExportPanel facts={inView} rubricId={rubricId} />
    </>
  );
}

/**
 * Head office's view across sites: import the tablets' bundles, then rank, trend and find where
 * points are lost. Loaded only when opened, so the auditors' screens never pay for it.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const headOffice = useHeadOffice();
  // A live query: an import (or an audit finalised in another tab) refreshes every figure.
  const facts = useLiveQuery(() => headOffice.dashboardFacts(), [headOffice]);
  // Facts read the slow way (no current snapshot): once they stop changing (not between an import's chunks),
  // the snapshot is made again so the next opening reads one record. Failing only costs that speed.
  useEffect(() => {
    if (facts === undefined || !headOffice.isSnapshotStale) return;
    const timer = setTimeout(() => {
      headOffice.refreshDashboardSnapshot().catch(() => undefined);
    }, SNAPSHOT_REFRESH_DELAY_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [facts, headOffice]);
  return (
    <section aria-labelledby="dashboard-title" className="page dashboard">
      <h1 id="dashboard-title">{t('dashboard.title')}</h1>
      <ImportPanel />
      <KpiImportPanel />
      <HeldPanel />
      <KeyRegisterPanel />
      {facts === undefined ? (
        <p className="loading">{t('dashboard.loading')}</p>
      ) : (
        <DashboardView facts={facts} />
      )}
    </section>
  );
}
