import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isPeriodKind, periodKinds, type PeriodKind } from './period';
import { formatDate, matchSites, type FilterOptions } from './view';

export interface FilterState {
  /** '' until the user picks one: the rubric with the most audits is shown. */
  readonly rubricId: string;
  readonly period: PeriodKind;
  readonly customFrom: string;
  readonly customTo: string;
  /** '' is "all" for the three below. */
  readonly region: string;
  readonly siteKey: string;
  readonly auditor: string;
}

export function DashboardFilters({
  state,
  onChange,
  rubricIds,
  rubricId,
  options,
  inView,
}: {
  state: FilterState;
  onChange: (change: Partial<FilterState>) => void;
  rubricIds: readonly string[];
  rubricId: string;
  options: FilterOptions;
  inView: number;
}) {
  const { t, i18n } = useTranslation();
  const searchId = useId();
  const [siteQuery, setSiteQuery] = useState('');
  const selectedSite = options.sites.find((s) => s.siteKey === state.siteKey);
  const matches = matchSites(options.sites, siteQuery);
  // The chosen site stays in the list while a search is typed, so the list never shows a choice that is not the filter.
  const siteChoices =
    selectedSite && !matches.includes(selectedSite) ? [selectedSite, ...matches] : matches;
  return (
    <section aria-labelledby="filters-title" className="dashboard__panel">
      <h2 id="filters-title">{t('dashboard.filters.title')}</h2>
      <div className="field-row">
        <label className="field">
          <span className="field__label">{t('dashboard.filters.rubric')}</span>
          <select
            value={rubricId}
            onChange={(e) => {
              onChange({ rubricId: e.target.value });
            }}
            data-testid="filter-rubric"
          >
            {rubricIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('dashboard.filters.period')}</span>
          <select
            value={state.period}
            onChange={(e) => {
              if (isPeriodKind(e.target.value)) onChange({ period: e.target.value });
            }}
            data-testid="filter-period"
          >
            {periodKinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(`dashboard.filters.periods.${kind}`)}
              </option>
            ))}
          </select>
        </label>
        {state.period === 'custom' && (
          <>
            <label className="field">
              <span className="field__label">{t('dashboard.filters.from')}</span>
              <input
                type="date"
                value={state.customFrom}
                onChange={(e) => {
                  onChange({ customFrom: e.target.value });
                }}
                data-testid="filter-from"
              />
            </label>
            <label className="field">
              <span className="field__label">{t('dashboard.filters.to')}</span>
              <input
                type="date"
                value={state.customTo}
                onChange={(e) => {
                  onChange({ customTo: e.target.value });
                }}
                data-testid="filter-to"
              />
            </label>
          </>
        )}
        <label className="field">
          <span className="field__label">{t('dashboard.filters.region')}</span>
          <select
            value={options.regions.includes(state.region) ? state.region : ''}
            onChange={(e) => {
              onChange({ region: e.target.value });
            }}
            data-testid="filter-region"
          >
            <option value="">{t('dashboard.filters.all')}</option>
            {options.regions.map((region) => (
              <option key={region} value={region}>
                {region}
              </option>
            ))}
          </select>
        </label>
        <div className="field site-filter">
          <label className="field__label" htmlFor={`${searchId}-site`}>
            {t('dashboard.filters.site')}
          </label>
          <input
            type="search"
            value={siteQuery}
            onChange={(e) => {
              setSiteQuery(e.target.value);
            }}
            placeholder={t('dashboard.filters.siteSearchPlaceholder')}
            aria-label={t('dashboard.filters.siteSearch')}
            aria-describedby={`${searchId}-count`}
            autoComplete="off"
            data-testid="filter-site-search"
          />
          <select
            id={`${searchId}-site`}
            value={selectedSite ? state.siteKey : ''}
            onChange={(e) => {
              onChange({ siteKey: e.target.value });
            }}
            data-testid="filter-site"
          >
            <option value="">{t('dashboard.filters.all')}</option>
            {siteChoices.map((site) => (
              <option key={site.siteKey} value={site.siteKey}>
                {site.code === undefined ? site.siteName : `${site.siteName}(${site.code})`}
              </option>
            ))}
          </select>
          <span
            id={`${searchId}-count`}
            className="subtitle"
            role="status"
            data-testid="filter-site-count"
            data-count={matches.length}
          >
            {siteQuery.trim() === ''
              ? ''
              : t('dashboard.filters.siteMatches', { count: matches.length, total: options.sites.length })}
          </span>
        </div>
        <label className="field">
          <span className="field__label">{t('dashboard.filters.auditor')}</span>
          <select
            value={options.auditors.includes(state.auditor) ? state.auditor : ''}
            onChange={(e) => {
              onChange({ auditor: e.target.value });
            }}
            data-testid="filter-auditor"
          >
            <option value="">{t('dashboard.filters.all')}</option>
            {options.auditors.map((auditor) => (
              <option key={auditor} value={auditor}>
                {auditor}
              </option>
            ))}
          </select>
        </label>
      </div>
      {options.newest !== undefined && state.period !== 'custom' && (
        <p className="subtitle">
          {t('dashboard.filters.anchor', { date: formatDate(options.newest, i18n.language) })}
        </p>
      )}
      <p className="badge" data-testid="in-view" data-count={inView}>
        {t('dashboard.filters.inView', { count: inView })}
      </p>
    </section>
  );
}
