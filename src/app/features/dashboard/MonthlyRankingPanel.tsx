import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  formatIssue,
  monthOf,
  rankMonth,
  rankingMonths,
  type FactSummary,
  type RankingDefinition,
  type RankingFact,
} from '../../../domain/head-office';
import { belowTargetText, bpText, monthTitle } from '../../../report/ranking/ranking-text';
import { downloadBytes, safeFileName } from '../../download';
import { useKpiMonths } from '../../providers/kpi-months';
import { useHeadOffice } from '../../providers/store-provider';
import { monthlyRankingDefinition } from './monthly-ranking-definition';

function MonthlyRanking({
  definition,
  facts,
}: {
  definition: RankingDefinition;
  facts: readonly FactSummary[];
}) {
  const { t } = useTranslation();
  const headOffice = useHeadOffice();
  const [monthChoice, setMonthChoice] = useState('');
  const [error, setError] = useState<string>();

  // Units are read only for the KPI rubrics' audits: an indicator below target is one of their units.
  const { kpiFacts, otherFacts } = useMemo(() => {
    const kinds = new Map(definition.components.map((c) => [c.rubricId, c.kind]));
    return {
      kpiFacts: facts.filter((f) => kinds.get(f.rubricId) === 'kpi'),
      otherFacts: facts.filter((f) => kinds.get(f.rubricId) === 'scorecard'),
    };
  }, [definition, facts]);
  const detailedKpi = useLiveQuery(() => headOffice.withUnits(kpiFacts), [headOffice, kpiFacts]);
  // KPI figures imported on the dashboard count exactly like an audit's facts; the table marks them (no seal).
  const kpiMonths = useKpiMonths();
  const imported = useLiveQuery(() => kpiMonths.rankingFacts(), [kpiMonths]);
  const rankingFacts = useMemo(
    (): RankingFact[] | undefined =>
      detailedKpi && imported ? [...otherFacts, ...detailedKpi, ...imported] : undefined,
    [otherFacts, detailedKpi, imported],
  );
  const months = useMemo(() => rankingMonths(definition, rankingFacts ?? []), [definition, rankingFacts]);
  const month = months.includes(monthChoice) ? monthChoice : months[0];
  const ranking = useMemo(
    () => (rankingFacts && month ? rankMonth(definition, rankingFacts, month) : undefined),
    [definition, rankingFacts, month],
  );
  const importedParts = useMemo(
    () =>
      new Set(
        (imported ?? [])
          .filter((f) => month !== undefined && monthOf(f.auditedAt, definition.utcOffset) === month)
          .map((f) => `${f.siteKey}|${f.rubricId}`),
      ),
    [imported, month, definition],
  );

  if (rankingFacts === undefined) return <p className="loading">{t('dashboard.loading')}</p>;
  if (!ranking || !month) return <p data-testid="monthly-empty">{t('dashboard.monthly.empty')}</p>;

  const fileName = (ext: string) => safeFileName(`${definition.title}-${month}.${ext}`);
  const downloadCsv = async () => {
    const { rankingCsv } = await import('../../../report/ranking/ranking-csv');
    downloadBytes(rankingCsv(ranking), fileName('csv'), 'text/csv;charset=utf-8');
  };
  const downloadPdf = async () => {
    try {
      setError(undefined);
      // jsPDF and the fonts load only when a report is asked for; a one-page table is made on the page itself.
      const [{ renderRankingReport }, { loadSheetFonts }] = await Promise.all([
        import('../../../report/ranking/render-ranking-report'),
        import('../../sheet/sheet-fonts'),
      ]);
      const fonts = await loadSheetFonts();
      const report = renderRankingReport(ranking, definition.bottom.rule, fonts);
      downloadBytes(report.bytes, fileName('pdf'), 'application/pdf');
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const summoned = ranking.rows.filter((r) => r.isSummoned);
  return (
    <>
      <div className="page__head">
        <label className="field field--inline">
          <span className="field__label">{t('dashboard.monthly.month')}</span>
          <select
            value={month}
            onChange={(e) => {
              setMonthChoice(e.target.value);
            }}
            data-testid="monthly-month"
          >
            {months.map((m) => (
              <option key={m} value={m}>
                {monthTitle(m)}
              </option>
            ))}
          </select>
        </label>
        <div className="sheet-actions">
          <button
            type="button"
            className="button"
            onClick={() => void downloadCsv()}
            data-testid="monthly-csv"
          >
            {t('dashboard.monthly.csv')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => void downloadPdf()}
            data-testid="monthly-pdf"
          >
            {t('dashboard.monthly.pdf')}
          </button>
        </div>
      </div>
      <p className="subtitle">
        {t('dashboard.monthly.weights', {
          weights: definition.components.map((c) => `${c.rubricId} ${String(c.weight)}`).join(' · '),
        })}
      </p>
      <p className="subtitle">{t('dashboard.monthly.rule', { rule: definition.bottom.rule })}</p>
      {/* Focusable so a keyboard can scroll a wide table: it holds no buttons of its own. */}
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="monthly-title">
        <table className="data-table ranking" data-testid="monthly-ranking" aria-labelledby="monthly-title">
          <thead>
            <tr>
              <th scope="col">{t('dashboard.monthly.rank')}</th>
              <th scope="col">{t('dashboard.monthly.site')}</th>
              <th scope="col">{t('dashboard.monthly.score')}</th>
              {ranking.components.map((c) => (
                <th scope="col" key={c.rubricId}>
                  {c.rubricId}
                </th>
              ))}
              <th scope="col">{t('dashboard.monthly.covered')}</th>
              <th scope="col">{t('dashboard.monthly.belowTarget')}</th>
            </tr>
          </thead>
          <tbody>
            {ranking.rows.map((row) => (
              <tr
                key={row.siteKey}
                className={row.isBottom ? 'rank-row rank-row--bottom' : 'rank-row'}
                data-testid="monthly-row"
                data-site-key={row.siteKey}
                data-bottom={row.isBottom ? 'true' : 'false'}
                data-summoned={row.isSummoned ? 'true' : 'false'}
              >
                <td className="num">{row.rank}</td>
                <th scope="row">
                  {row.siteName}
                  {row.isBottom && <span className="rank-row__flag">{t('dashboard.monthly.bottom')}</span>}
                  {row.isSummoned && (
                    <span className="rank-row__flag">{t('dashboard.monthly.summoned')}</span>
                  )}
                </th>
                <td className="num" data-testid="monthly-score">
                  {bpText(row.scoreBp)}%
                </td>
                {ranking.components.map((c) => {
                  const part = row.parts.find((p) => p.rubricId === c.rubricId);
                  const isImported = importedParts.has(`${row.siteKey}|${c.rubricId}`);
                  return (
                    <td
                      className="num"
                      key={c.rubricId}
                      data-rubric={c.rubricId}
                      data-imported={isImported ? 'true' : 'false'}
                    >
                      {part?.percentBp == null ? '—' : `${bpText(part.percentBp)}%`}
                      {isImported && <span className="rank-row__flag">{t('dashboard.kpi.badge')}</span>}
                    </td>
                  );
                })}
                <td className="num">{row.coveredWeight}</td>
                <td>{belowTargetText(row) || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {importedParts.size > 0 && (
        <p className="subtitle" data-testid="monthly-imported-note">
          {t('dashboard.monthly.importedNote')}
        </p>
      )}
      <h3>{t('dashboard.monthly.summonedTitle')}</h3>
      <p data-testid="monthly-summoned">
        {summoned.length === 0
          ? t('dashboard.monthly.noneSummoned')
          : summoned.map((r) => `${r.siteName}(${belowTargetText(r)})`).join(';')}
      </p>
      {ranking.unranked.length > 0 && (
        <p>
          {t('dashboard.monthly.unranked', { sites: ranking.unranked.map((s) => s.siteName).join('、') })}
        </p>
      )}
      {ranking.notes.length > 0 && (
        <ul className="subtitle" data-testid="monthly-notes">
          {ranking.notes.map((note) => (
            <li key={note.rubricId}>
              {note.reason === 'no-audits'
                ? t('dashboard.monthly.noAudits', { rubric: note.rubricId })
                : t('dashboard.monthly.noneThisMonth', { rubric: note.rubricId })}
            </li>
          ))}
        </ul>
      )}
      {error !== undefined && (
        <p role="alert" className="field__error">
          {t('dashboard.monthly.failed', { detail: error })}
        </p>
      )}
    </>
  );
}

/** 月度综合排名: the shipped definition (rankings/monthly.json) over every audit here, one month at a time. */
export function MonthlyRankingPanel({ facts }: { facts: readonly FactSummary[] }) {
  const { t } = useTranslation();
  const definition = monthlyRankingDefinition;
  return (
    <section aria-labelledby="monthly-title" className="dashboard__panel" data-testid="monthly-panel">
      <h2 id="monthly-title">{definition.ok ? definition.value.title : t('dashboard.monthly.title')}</h2>
      {definition.ok ? (
        <MonthlyRanking definition={definition.value} facts={facts} />
      ) : (
        <p role="alert" className="field__error">
          {t('dashboard.monthly.invalid', { issues: definition.issues.map(formatIssue).join(';') })}
        </p>
      )}
    </section>
  );
}
