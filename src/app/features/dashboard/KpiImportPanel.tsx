import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hasMetricUnits, type Rubric } from '../../../domain/head-office';
import type { KpiImportOutcome } from '../../../storage/kpi-month-store';
import { useKpiMonths } from '../../providers/kpi-months';
import { loadedShippedRubrics, loadShippedRubrics } from '../../shipped-rubrics';
import { monthTitle } from '../../../report/ranking/ranking-text';

type Outcome = KpiImportOutcome & { readonly file: string };

/** The shipped rubrics with metric units: the only ones a figures file may name. */
async function kpiRubrics(): Promise<Map<string, Rubric>> {
  await loadShippedRubrics();
  return new Map(
    loadedShippedRubrics()
      .filter(hasMetricUnits)
      .map((r) => [r.id, r]),
  );
}

const points = (h: number) => String(h / 100);

/** KPI figures per month and site from a CSV (as `ducha kpi import` reads it): the whole file or nothing. */
export function KpiImportPanel() {
  const { t } = useTranslation();
  const kpiMonths = useKpiMonths();
  const months = useLiveQuery(() => kpiMonths.months(), [kpiMonths]);
  const [outcome, setOutcome] = useState<Outcome>();
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string>();

  const importFile = async (file: File) => {
    setWorking(true);
    setOutcome(undefined);
    setError(undefined);
    try {
      const result = await kpiMonths.importCsv(await file.text(), await kpiRubrics(), file.name);
      setOutcome({ ...result, file: file.name });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setWorking(false);
    }
  };

  return (
    <section aria-labelledby="kpi-import-title" className="dashboard__panel" data-testid="kpi-import-panel">
      <h2 id="kpi-import-title">{t('dashboard.kpi.title')}</h2>
      <p className="subtitle">{t('dashboard.kpi.hint')}</p>
      <label className="button drop-zone__button">
        {t('dashboard.kpi.choose')}
        <input
          type="file"
          accept=".csv,text/csv"
          className="visually-hidden"
          disabled={working}
          onChange={(event) => {
            const file = event.target.files?.[0];
            // Cleared at once so the same file chosen again is imported again (and replaces what it imported).
            event.target.value = '';
            if (file) void importFile(file);
          }}
          data-testid="kpi-import-file"
        />
      </label>
      <div aria-live="polite">
        {working && <p role="status">{t('dashboard.kpi.working')}</p>}
        {outcome?.ok === false && (
          <div role="alert" data-testid="kpi-import-refused" data-count={outcome.issues.length}>
            <p className="field__error">
              {t('dashboard.kpi.refused', { file: outcome.file, count: outcome.issues.length })}
            </p>
            <ul>
              {outcome.issues.map((issue) => (
                <li key={issue.line} data-testid="kpi-import-issue" data-line={issue.line}>
                  {t('dashboard.kpi.line', { line: issue.line, reason: issue.reason })}
                </li>
              ))}
            </ul>
          </div>
        )}
        {outcome?.ok === true && (
          <div
            role="status"
            data-testid="kpi-import-done"
            data-imported={outcome.imported}
            data-replaced={outcome.replaced.length}
          >
            <p>{t('dashboard.kpi.imported', { file: outcome.file, count: outcome.imported })}</p>
            <p data-testid="kpi-import-replaced">
              {outcome.replaced.length === 0
                ? t('dashboard.kpi.noneReplaced')
                : t('dashboard.kpi.replaced', {
                    count: outcome.replaced.length,
                    list: outcome.replaced
                      .map((m) => `${monthTitle(m.month)} ${m.site} ${m.rubricId}`)
                      .join('、'),
                  })}
            </p>
          </div>
        )}
        {error !== undefined && (
          <p role="alert" className="field__error">
            {t('dashboard.kpi.failed', { detail: error })}
          </p>
        )}
      </div>
      {months !== undefined && months.length > 0 && (
        <details data-testid="kpi-months">
          <summary>{t('dashboard.kpi.stored', { count: months.length })}</summary>
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="kpi-import-title">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.monthly.month')}</th>
                  <th scope="col">{t('dashboard.monthly.site')}</th>
                  <th scope="col">{t('dashboard.kpi.rubric')}</th>
                  <th scope="col">{t('dashboard.kpi.score')}</th>
                  <th scope="col">{t('dashboard.kpi.revision')}</th>
                  <th scope="col">{t('dashboard.kpi.source')}</th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={`${m.month}|${m.siteKey}|${m.rubricId}`} data-testid="kpi-month">
                    <td>{monthTitle(m.month)}</td>
                    <th scope="row">{m.site}</th>
                    <td>{m.rubricId}</td>
                    <td className="num">
                      {points(m.earnedH)} / {points(m.possibleH)}
                    </td>
                    <td className="num">{m.revision}</td>
                    <td>
                      {m.source} <span className="rank-row__flag">{t('dashboard.kpi.badge')}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
