import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { selectionOf, type DashboardControls, type DashboardData } from './dashboard-data';
import { DashboardFilters, type FilterState } from './DashboardFilters';
import { DrillDown } from './DrillDown';
import { ExportPanel } from './ExportPanel';
import { HeatMapTable } from './HeatMapTable';
import { toDayValue } from './period';
import { RankingTable } from './RankingTable';
import { TrendChart } from './TrendChart';
import { visibleEnds } from './view';

/** The dashboard's panels over one source's figures (this device's own audits, or the server's). */
export function DashboardBody({
  data,
  controls,
  isBusy = false,
}: {
  data: DashboardData;
  controls: DashboardControls;
  /** Figures on screen are for the previous filter while the new ones are read. */
  isBusy?: boolean;
}) {
  const { t } = useTranslation();
  const { bottomN, setBottomN, showAll, setShowAll, setTrendChoice, setCellChoice } = controls;
  const { ranking, heat } = data;
  const visible = useMemo(() => visibleEnds(ranking, showAll), [ranking, showAll]);
  const { trendSite, cellSite, cellItem } = selectionOf(ranking, heat.items, controls.trendChoice, controls.cellChoice);
  const { from, to } = data.bounds;

  const changeFilters = (change: Partial<FilterState>) => {
    controls.setFilters((current) => {
      const next = { ...current, ...change };
      // Switching to "custom" starts from the period on screen rather than from two empty dates.
      if (change.period === 'custom' && current.customFrom === '' && current.customTo === '' && from && to)
        return { ...next, customFrom: toDayValue(from), customTo: toDayValue(to) };
      return next;
    });
  };

  return (
    <div aria-busy={isBusy} className="dashboard__body">
      <DashboardFilters
        state={controls.filters}
        onChange={changeFilters}
        rubricIds={data.rubricIds}
        rubricId={data.rubricId}
        options={data.options}
        inView={data.inView}
      />
      {data.inView === 0 ? (
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
            previous={data.previousBounds}
          />
          {!trendSite ? (
            <p>{t('dashboard.trend.choose')}</p>
          ) : data.trend === undefined ? (
            <p className="loading">{t('headOfficeOnline.loading')}</p>
          ) : (
            <TrendChart siteName={trendSite.siteName} points={data.trend} />
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
              entries={data.drill ?? []}
              signerOf={data.signerOf}
              onClose={() => {
                setCellChoice(undefined);
              }}
            />
          )}
        </>
      )}
      <ExportPanel csv={data.csv} rubricId={data.rubricId} />
    </div>
  );
}
