import { useTranslation } from 'react-i18next';
import type { SiteRanking } from '../../../domain/index';
import { formatPercent } from '../../format';
import { formatChange, formatDate, SITES_AT_EACH_END } from './view';

export interface RankedSite extends SiteRanking {
  readonly rank: number;
}

export const bottomChoices = [0, 1, 3, 5, 10, 20] as const;

function Row({
  row,
  selected,
  onSelect,
}: {
  row: RankedSite;
  selected: boolean;
  onSelect: (siteKey: string) => void;
}) {
  const { t } = useTranslation();
  const classes = ['rank-row', row.isBottom ? 'rank-row--bottom' : '', selected ? 'rank-row--selected' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <tr
      className={classes}
      data-testid="rank-row"
      data-site-key={row.siteKey}
      data-bottom={row.isBottom ? 'true' : 'false'}
      onClick={() => {
        onSelect(row.siteKey);
      }}
    >
      <td className="num">{row.rank}</td>
      <th scope="row">
        <button
          type="button"
          className="rank-row__site"
          aria-pressed={selected}
          aria-label={t('dashboard.ranking.select', { site: row.siteName })}
          onClick={(event) => {
            // The row's own click handler would select it a second time.
            event.stopPropagation();
            onSelect(row.siteKey);
          }}
          data-testid="rank-site"
        >
          {row.siteName}
        </button>
        {row.isBottom && <span className="rank-row__flag">{t('dashboard.ranking.bottom')}</span>}
      </th>
      <td>{row.region ?? '—'}</td>
      <td className="num" data-testid="rank-latest">
        {formatPercent(row.latestPercentTenths)}
      </td>
      <td className="num" data-testid="rank-average">
        {formatPercent(row.averagePercentTenths)}
      </td>
      <td className="num" data-testid="rank-count">
        {row.count}
      </td>
      <td className="num" data-testid="rank-change">
        {formatChange(row.changeTenths)}
      </td>
    </tr>
  );
}

/** Sites best first; the bottom N carry a visible 末位 flag as well as the colour. */
export function RankingTable({
  head,
  tail,
  hidden,
  total,
  bottomN,
  onBottomN,
  showAll,
  onShowAll,
  selected,
  onSelect,
  previous,
}: {
  head: readonly RankedSite[];
  tail: readonly RankedSite[];
  hidden: number;
  total: number;
  bottomN: number;
  onBottomN: (n: number) => void;
  showAll: boolean;
  onShowAll: (all: boolean) => void;
  selected: string | undefined;
  onSelect: (siteKey: string) => void;
  previous: { from: string; to: string } | undefined;
}) {
  const { t, i18n } = useTranslation();
  const row = (r: RankedSite) => (
    <Row key={r.siteKey} row={r} selected={r.siteKey === selected} onSelect={onSelect} />
  );
  return (
    <section aria-labelledby="ranking-title" className="dashboard__panel">
      <div className="page__head">
        <h2 id="ranking-title">{t('dashboard.ranking.title')}</h2>
        <label className="field field--inline">
          <span className="field__label">{t('dashboard.ranking.bottomN')}</span>
          <select
            value={bottomN}
            onChange={(e) => {
              onBottomN(Number(e.target.value));
            }}
            data-testid="bottom-n"
          >
            {bottomChoices.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {previous && (
        <p className="subtitle">
          {t('dashboard.ranking.changeHint', {
            from: formatDate(previous.from, i18n.language),
            to: formatDate(previous.to, i18n.language),
          })}
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table ranking" aria-labelledby="ranking-title" data-testid="ranking">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.ranking.rank')}</th>
              <th scope="col">{t('dashboard.ranking.site')}</th>
              <th scope="col">{t('dashboard.ranking.region')}</th>
              <th scope="col">{t('dashboard.ranking.latest')}</th>
              <th scope="col">{t('dashboard.ranking.average')}</th>
              <th scope="col">{t('dashboard.ranking.audits')}</th>
              <th scope="col">{t('dashboard.ranking.change')}</th>
            </tr>
          </thead>
          <tbody>
            {head.map(row)}
            {hidden > 0 && (
              <tr className="gap-row">
                <td colSpan={7}>{t('dashboard.ranking.hidden', { count: hidden })}</td>
              </tr>
            )}
            {tail.map(row)}
          </tbody>
        </table>
      </div>
      {total > 2 * SITES_AT_EACH_END && (
        <button
          type="button"
          className="button"
          onClick={() => {
            onShowAll(!showAll);
          }}
          data-testid="show-all-sites"
        >
          {showAll ? t('dashboard.ranking.showFewer') : t('dashboard.ranking.showAll', { count: total })}
        </button>
      )}
    </section>
  );
}
