import { useTranslation } from 'react-i18next';
import { heatKey, type HeatMap } from '../../../domain/index';
import { formatPercent } from '../../format';
import { heatColour } from './heat-colour';

export interface HeatSite {
  readonly siteKey: string;
  readonly siteName: string;
}

export interface HeatCellRef {
  readonly siteKey: string;
  readonly itemId: string;
}

/**
 * Sites (in ranking order) × the rubric's top-level items. Every cell is a button: the colour shows
 * where points go, the drill-down shows why.
 */
export function HeatMapTable({
  heat,
  head,
  tail,
  hidden,
  selected,
  onSelect,
}: {
  heat: HeatMap;
  head: readonly HeatSite[];
  tail: readonly HeatSite[];
  hidden: number;
  selected: HeatCellRef | undefined;
  onSelect: (cell: HeatCellRef) => void;
}) {
  const { t } = useTranslation();
  const row = (site: HeatSite) => (
    <tr key={site.siteKey} data-site-key={site.siteKey}>
      <th scope="row">{site.siteName}</th>
      {heat.items.map((item) => {
        const cell = heat.cells.get(heatKey(site.siteKey, item.id));
        const lost = cell?.lostTenths ?? null;
        const colour = heatColour(lost);
        const itemName = `${item.label} ${item.title}`;
        const isSelected = selected?.siteKey === site.siteKey && selected.itemId === item.id;
        return (
          <td key={item.id}>
            <button
              type="button"
              className="heat-cell"
              style={{ backgroundColor: colour.background, color: colour.color }}
              aria-pressed={isSelected}
              aria-label={
                lost === null
                  ? t('dashboard.heat.allNa', { site: site.siteName, item: itemName })
                  : t('dashboard.heat.cell', {
                      site: site.siteName,
                      item: itemName,
                      percent: formatPercent(lost),
                    })
              }
              onClick={() => {
                onSelect({ siteKey: site.siteKey, itemId: item.id });
              }}
              data-testid="heat-cell"
              data-site-key={site.siteKey}
              data-item-id={item.id}
              data-lost={lost ?? ''}
            >
              {formatPercent(lost)}
            </button>
          </td>
        );
      })}
    </tr>
  );
  return (
    <section aria-labelledby="heat-title" className="dashboard__panel">
      <h2 id="heat-title">{t('dashboard.heat.title')}</h2>
      <p className="subtitle">{t('dashboard.heat.hint')}</p>
      {heat.rubricVersions > 1 && (
        <p className="banner banner--warn" role="note" data-testid="rubric-versions">
          {t('dashboard.heat.versions', {
            count: heat.rubricVersions,
            items: heat.droppedItemIds.length > 0 ? heat.droppedItemIds.join('、') : '—',
          })}
        </p>
      )}
      <div className="table-scroll">
        <table className="heat-map" aria-labelledby="heat-title" data-testid="heat-map">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.heat.site')}</th>
              {heat.items.map((item) => (
                <th scope="col" key={item.id} className="heat-map__item" title={item.title}>
                  <span className="heat-map__item-id">{item.label}</span>
                  <span className="heat-map__item-title">{item.title}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {head.map(row)}
            {hidden > 0 && (
              <tr className="gap-row">
                <td colSpan={heat.items.length + 1}>{t('dashboard.ranking.hidden', { count: hidden })}</td>
              </tr>
            )}
            {tail.map(row)}
          </tbody>
        </table>
      </div>
    </section>
  );
}
