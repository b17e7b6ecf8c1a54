import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KpiUploadReceipt } from '../../../domain/wire';
import { monthTitle } from '../../../report/ranking/ranking-text';
import { formatDateTime } from '../../format';
import type { ApiFailure } from '../../server/api-client';
import { useApiLoad } from '../../server/use-api-load';
import { readKpiHistory, uploadKpiFile } from './monthly-ranking-api';
import { failureText } from './use-server-dashboard';

type Outcome =
  | { readonly kind: 'receipt'; readonly file: string; readonly receipt: KpiUploadReceipt }
  | { readonly kind: 'refused'; readonly file: string; readonly lines: readonly { readonly line: string; readonly reason: string }[] }
  | { readonly kind: 'failed'; readonly file: string; readonly detail: string };

/** The server refuses a file whole, naming every bad line as `line N`: kept as lines, anything else as one failure. */
function outcomeOf(file: string, failure: ApiFailure): Outcome {
  const issues = failure.kind === 'http' && failure.status === 422 ? (failure.error?.error.issues ?? []) : [];
  const lines = issues.flatMap((i) => {
    const line = /^line (\d+)$/.exec(i.path)?.[1];
    return line === undefined ? [] : [{ line, reason: i.message }];
  });
  return lines.length > 0 ? { kind: 'refused', file, lines } : { kind: 'failed', file, detail: failureText(failure) };
}

/**
 * KPI figures uploaded to the server as the file's own bytes (CSV in UTF-8 or GBK, or .xlsx): the server checks
 * every line, keeps the upload (who, when, SHA-256) and each changed figure as a new version beside the old one.
 * The month's versions are listed here, the current one of each figure marked.
 */
export function KpiImportPanel({ serverUrl, month, onUploaded }: { serverUrl: string; month: string | undefined; onUploaded: () => void }) {
  const { t, i18n } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome>();
  const [working, setWorking] = useState(false);
  const [history, reloadHistory] = useApiLoad(useCallback(() => readKpiHistory(serverUrl, month), [serverUrl, month]));

  const uploadFile = async (file: File) => {
    setWorking(true);
    setOutcome(undefined);
    const answer = await uploadKpiFile(serverUrl, file);
    setOutcome(answer.ok ? { kind: 'receipt', file: file.name, receipt: answer.value } : outcomeOf(file.name, answer));
    setWorking(false);
    if (answer.ok) {
      reloadHistory();
      onUploaded();
    }
  };

  const figures = history.kind === 'ok' ? history.value.figures : [];
  return (
    <section aria-labelledby="kpi-import-title" className="dashboard__panel" data-testid="kpi-import-panel">
      <h2 id="kpi-import-title">{t('dashboard.kpi.title')}</h2>
      <p className="subtitle">{t('dashboard.kpi.hint')}</p>
      <label className="button drop-zone__button">
        {t('dashboard.kpi.choose')}
        <input
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          className="visually-hidden"
          disabled={working}
          onChange={(event) => {
            const file = event.target.files?.[0];
            // Cleared at once so the same file chosen again is uploaded again (the server then says "unchanged").
            event.target.value = '';
            if (file) void uploadFile(file);
          }}
          data-testid="kpi-import-file"
        />
      </label>
      <div aria-live="polite">
        {working && <p role="status">{t('dashboard.kpi.working')}</p>}
        {outcome?.kind === 'refused' && (
          <div role="alert" data-testid="kpi-import-refused" data-count={outcome.lines.length}>
            <p className="field__error">{t('dashboard.kpi.refused', { file: outcome.file, count: outcome.lines.length })}</p>
            <ul>
              {outcome.lines.map((issue) => (
                <li key={`${issue.line}|${issue.reason}`} data-testid="kpi-import-issue" data-line={issue.line}>
                  {t('dashboard.kpi.line', { line: issue.line, reason: issue.reason })}
                </li>
              ))}
            </ul>
          </div>
        )}
        {outcome?.kind === 'receipt' && (
          <p
            role="status"
            data-testid="kpi-import-done"
            data-encoding={outcome.receipt.encoding}
            data-figures={outcome.receipt.figures}
            data-new-versions={outcome.receipt.newVersions}
          >
            {t('dashboard.kpi.uploaded', {
              file: outcome.file,
              encoding: t(`dashboard.kpi.encoding.${outcome.receipt.encoding}`),
              count: outcome.receipt.figures,
              fresh: outcome.receipt.newVersions,
              unchanged: outcome.receipt.unchanged,
              sha: outcome.receipt.fileSha256.slice(0, 12),
            })}
          </p>
        )}
        {outcome?.kind === 'failed' && (
          <p role="alert" className="field__error" data-testid="kpi-import-failed">
            {t('dashboard.kpi.failed', { file: outcome.file, detail: outcome.detail })}
          </p>
        )}
      </div>
      {history.kind === 'failed' && (
        <p role="alert" className="field__error">
          {t('dashboard.kpi.historyFailed', { detail: failureText(history.failure) })}
        </p>
      )}
      {figures.length > 0 && (
        <details data-testid="kpi-history">
          <summary>{t('dashboard.kpi.history', { month: month === undefined ? '' : monthTitle(month), count: figures.length })}</summary>
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="kpi-import-title">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.monthly.month')}</th>
                  <th scope="col">{t('dashboard.monthly.site')}</th>
                  <th scope="col">{t('dashboard.kpi.rubric')}</th>
                  <th scope="col">{t('dashboard.kpi.unit')}</th>
                  <th scope="col">{t('dashboard.kpi.figure')}</th>
                  <th scope="col">{t('dashboard.kpi.version')}</th>
                  <th scope="col">{t('dashboard.kpi.uploadedBy')}</th>
                  <th scope="col">{t('dashboard.kpi.uploadedAt')}</th>
                  <th scope="col">{t('dashboard.kpi.file')}</th>
                </tr>
              </thead>
              <tbody>
                {figures.map((f) => (
                  <tr
                    key={`${f.month}|${f.siteKey}|${f.rubricId}|${f.unitId}|${String(f.version)}`}
                    data-testid="kpi-version"
                    data-site-key={f.siteKey}
                    data-unit={f.unitId}
                    data-version={f.version}
                    data-current={f.isCurrent ? 'true' : 'false'}
                  >
                    <td>{monthTitle(f.month)}</td>
                    <th scope="row">{f.siteName}</th>
                    <td>{f.rubricId}</td>
                    <td className="num">{f.unitId}</td>
                    <td className="num">{f.figure}</td>
                    <td className="num">
                      {f.version}
                      {!f.isCurrent && <span className="rank-row__flag">{t('dashboard.kpi.superseded')}</span>}
                    </td>
                    <td>{f.uploadedBy}</td>
                    <td>{formatDateTime(f.uploadedAt, i18n.language)}</td>
                    <td>
                      {f.fileName} <code title={f.fileSha256}>{f.fileSha256.slice(0, 12)}</code>
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
