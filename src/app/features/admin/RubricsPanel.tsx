import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import type { AdminApi } from './admin-api';
import { FailureMessage, type ActionStatus } from './FailureMessage';
import { useApiLoad } from './use-api-load';

type PublishStatus =
  | ActionStatus
  | { readonly kind: 'working'; readonly file: string }
  | { readonly kind: 'local'; readonly message: string; readonly detail: string };

/**
 * Published rubric versions, and publishing a rubric JSON file from disk. The server checks it with the rules
 * of `ducha validate` and lists every problem with where it is; those are shown as it says them.
 */
export function RubricsPanel({ api }: { api: AdminApi }) {
  const { t, i18n } = useTranslation();
  const inputId = useId();
  const [rubrics, reload] = useApiLoad(useCallback(() => api.listRubrics(), [api]));
  const [status, setStatus] = useState<PublishStatus>({ kind: 'idle' });

  const publish = async (file: File) => {
    setStatus({ kind: 'working', file: file.name });
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      setStatus({
        kind: 'local',
        message: t('admin.rubrics.unreadable', { file: file.name }),
        detail: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      setStatus({
        kind: 'local',
        message: t('admin.rubrics.notJson', { file: file.name }),
        detail: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const published = await api.publishRubric(document);
    if (!published.ok) {
      setStatus({ kind: 'failed', failure: published });
      return;
    }
    const { rubric } = published.value;
    setStatus({
      kind: 'done',
      message:
        published.value.status === 'published'
          ? t('admin.rubrics.published', { file: file.name, id: rubric.rubricId, title: rubric.title })
          : t('admin.rubrics.unchanged', { file: file.name }),
    });
    reload();
  };

  return (
    <section aria-labelledby="admin-rubrics-title" className="dashboard__panel" data-testid="admin-rubrics">
      <div className="page__head">
        <h2 id="admin-rubrics-title">{t('admin.rubrics.title')}</h2>
        <button type="button" className="button" onClick={reload} data-testid="admin-rubrics-refresh">
          {t('admin.refresh')}
        </button>
      </div>
      <p className="subtitle">{t('admin.rubrics.hint')}</p>
      <div className="field">
        <label htmlFor={inputId} className="field__label">
          {t('admin.rubrics.choose')}
        </label>
        <input
          id={inputId}
          type="file"
          accept=".json,application/json"
          disabled={status.kind === 'working'}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = ''; // the same file again is a new attempt
            if (file) void publish(file);
          }}
          data-testid="admin-rubric-file"
        />
      </div>
      <div aria-live="polite">
        {status.kind === 'working' && (
          <p className="loading">{t('admin.rubrics.publishing', { file: status.file })}</p>
        )}
        {status.kind === 'done' && (
          <p role="status" className="banner banner--info" data-testid="admin-rubric-status">
            {status.message}
          </p>
        )}
        {status.kind === 'local' && (
          <div role="alert" data-testid="admin-rubric-status-error" data-error="local">
            <p className="field__error">{status.message}</p>
            <p className="technical">{status.detail}</p>
          </div>
        )}
        {status.kind === 'failed' && (
          <FailureMessage failure={status.failure} testId="admin-rubric-status-error" />
        )}
      </div>
      {rubrics.kind === 'loading' && <p className="loading">{t('admin.loading')}</p>}
      {rubrics.kind === 'failed' && <FailureMessage failure={rubrics.failure} testId="admin-rubrics-error" />}
      {rubrics.kind === 'ok' && rubrics.value.rubrics.length === 0 && <p>{t('admin.rubrics.empty')}</p>}
      {rubrics.kind === 'ok' && rubrics.value.rubrics.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="admin-rubrics-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.rubrics.rubricId')}</th>
                <th scope="col">{t('admin.rubrics.rubricTitle')}</th>
                <th scope="col">{t('admin.rubrics.fingerprint')}</th>
                <th scope="col">{t('admin.rubrics.publishedAt')}</th>
                <th scope="col">{t('admin.rubrics.publishedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {rubrics.value.rubrics.map((rubric) => (
                <tr key={rubric.fingerprint} data-testid={`admin-rubric-row-${rubric.rubricId}`}>
                  <td>{rubric.rubricId}</td>
                  <td>{rubric.title}</td>
                  <td>
                    <code title={rubric.fingerprint}>
                      {rubric.fingerprint.slice(0, 'sha256:'.length + 12)}…
                    </code>
                  </td>
                  <td>{formatDateTime(rubric.publishedAt, i18n.language)}</td>
                  <td>{rubric.publishedBy}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
