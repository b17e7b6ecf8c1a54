import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MonthlyRankingAnswer } from '../../../domain/wire';
import { belowTargetText, bpText, monthTitle, partText } from '../../../report/ranking/ranking-text';
import { downloadBytes, safeFileName } from '../../download';
import { useApiLoad, type LoadState } from '../../server/use-api-load';
import { readMonthlyRanking, readMonthlyReport } from './monthly-ranking-api';
import { failureText } from './use-server-dashboard';

/** This month on the reader's clock: what is asked first, before the server has said which months have data. */
const thisMonth = (): string => new Date().toISOString().slice(0, 7);

function RankingTable({ answer }: { answer: MonthlyRankingAnswer }) {
  const { t } = useTranslation();
  const { ranking } = answer;
  return (
    // Focusable so a keyboard can scroll a wide table: it holds no buttons of its own.
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
                {row.isSummoned && <span className="rank-row__flag">{t('dashboard.monthly.summoned')}</span>}
              </th>
              <td className="num" data-testid="monthly-score">
                {bpText(row.scoreBp)}%
              </td>
              {ranking.components.map((c) => {
                const text = partText(row, c.rubricId);
                // 缺报 and 未考核 are words; a percent gets its sign; no audit and no figure is a dash.
                return (
                  <td className="num" key={c.rubricId} data-rubric={c.rubricId}>
                    {text === '' ? '—' : /^\d/.test(text) ? `${text}%` : text}
                  </td>
                );
              })}
              <td className="num">{row.coveredWeight}</td>
              <td data-testid="monthly-below">{belowTargetText(row) || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The month read from the server: the chosen one, or, before any choice, this month — or the newest month with
 * data when this one has none yet.
 */
export function useMonthlyRanking(serverUrl: string, monthChoice: string | undefined) {
  const load = useCallback(async () => {
    const asked = monthChoice ?? thisMonth();
    const first = await readMonthlyRanking(serverUrl, asked);
    if (monthChoice !== undefined || !first.ok) return first;
    const [newest] = first.value.months;
    return newest !== undefined && !first.value.months.includes(asked) ? readMonthlyRanking(serverUrl, newest) : first;
  }, [serverUrl, monthChoice]);
  return useApiLoad(load);
}

/**
 * 月度综合排名 as the server computes it over every audit and KPI figure it holds (GET
 * /api/head-office/monthly-ranking): this device computes nothing, so every reader of a month sees the same
 * places. The 通报 PDF and CSV are the server's too.
 */
export function MonthlyRankingPanel({
  serverUrl,
  state,
  onMonth,
}: {
  serverUrl: string;
  state: LoadState<MonthlyRankingAnswer>;
  onMonth: (month: string) => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string>();
  const answer = state.kind === 'ok' ? state.value : undefined;
  const month = answer?.ranking.month ?? thisMonth();

  const download = async (kind: 'pdf' | 'csv', title: string) => {
    setError(undefined);
    const file = await readMonthlyReport(serverUrl, month, kind);
    if (!file.ok) {
      setError(failureText(file));
      return;
    }
    downloadBytes(file.bytes, safeFileName(`${title}-${month}.${kind}`), kind === 'pdf' ? 'application/pdf' : 'text/csv;charset=utf-8');
  };

  const months = answer ? [...new Set([month, ...answer.months])].sort().reverse() : [month];
  const ranking = answer?.ranking;
  const summoned = ranking?.rows.filter((r) => r.isSummoned) ?? [];
  return (
    <section aria-labelledby="monthly-title" className="dashboard__panel" data-testid="monthly-panel">
      <h2 id="monthly-title">{ranking?.title ?? t('dashboard.monthly.title')}</h2>
      <div className="page__head">
        <label className="field field--inline">
          <span className="field__label">{t('dashboard.monthly.month')}</span>
          <select
            value={month}
            onChange={(e) => {
              onMonth(e.target.value);
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
        {ranking && (
          <div className="sheet-actions">
            <button type="button" className="button" onClick={() => void download('csv', ranking.title)} data-testid="monthly-csv">
              {t('dashboard.monthly.csv')}
            </button>
            <button type="button" className="button" onClick={() => void download('pdf', ranking.title)} data-testid="monthly-pdf">
              {t('dashboard.monthly.pdf')}
            </button>
          </div>
        )}
      </div>
      {state.kind === 'loading' && <p className="loading">{t('dashboard.loading')}</p>}
      {state.kind === 'failed' && (
        <p role="alert" className="field__error" data-testid="monthly-error">
          {t('dashboard.monthly.readFailed', { detail: failureText(state.failure) })}
        </p>
      )}
      {answer && ranking && (
        <>
          <p className="subtitle" data-testid="monthly-weights">
            {t('dashboard.monthly.weights', { weights: ranking.components.map((c) => `${c.rubricId} ${String(c.weight)}`).join(' · ') })}
          </p>
          <p className="subtitle">{t('dashboard.monthly.rule', { rule: answer.definition.rule })}</p>
          {ranking.rows.length === 0 ? (
            <p data-testid="monthly-empty">{t('dashboard.monthly.empty')}</p>
          ) : (
            <RankingTable answer={answer} />
          )}
          <h3>{t('dashboard.monthly.summonedTitle')}</h3>
          <p data-testid="monthly-summoned">
            {summoned.length === 0 ? t('dashboard.monthly.noneSummoned') : summoned.map((r) => `${r.siteName}（${belowTargetText(r)}）`).join('；')}
          </p>
          {ranking.unranked.length > 0 && <p>{t('dashboard.monthly.unranked', { sites: ranking.unranked.map((s) => s.siteName).join('、') })}</p>}
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
          <p className="subtitle" data-testid="monthly-definition">
            {t('dashboard.monthly.definition', { fingerprint: answer.definition.fingerprint.slice(0, 12), at: answer.definition.publishedAt.slice(0, 10) })}
          </p>
        </>
      )}
      {error !== undefined && (
        <p role="alert" className="field__error" data-testid="monthly-download-error">
          {t('dashboard.monthly.failed', { detail: error })}
        </p>
      )}
    </section>
  );
}
