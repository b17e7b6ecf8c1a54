import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import type { AdminApi } from './admin-api';
import { FailureMessage } from './FailureMessage';
import { useApiLoad } from './use-api-load';

const LIMIT = 200;
const knownActions = [
  'login',
  'login-failed',
  'user-created',
  'user-disabled',
  'password-reset',
  'sites-set',
  'device-enrolled',
  'device-revoked',
  'site-changed',
  'site-proposal-decided',
  'rubric-published',
  'upload-refused',
  'upload-throttled',
] as const;
type KnownAction = (typeof knownActions)[number];
const isKnownAction = (action: string): action is KnownAction => knownActions.some((a) => a === action);

/** The server's log of admin actions, sign-ins and refused uploads: read only, newest first. */
export function AuditLogPanel({ api }: { api: AdminApi }) {
  const { t, i18n } = useTranslation();
  const [log, reload] = useApiLoad(useCallback(() => api.auditLog(LIMIT), [api]));
  return (
    <section aria-labelledby="admin-log-title" className="dashboard__panel" data-testid="admin-log">
      <div className="page__head">
        <h2 id="admin-log-title">{t('admin.log.title')}</h2>
        <button type="button" className="button" onClick={reload} data-testid="admin-log-refresh">
          {t('admin.refresh')}
        </button>
      </div>
      <p className="subtitle">{t('admin.log.hint', { count: LIMIT })}</p>
      {log.kind === 'loading' && <p className="loading">{t('admin.loading')}</p>}
      {log.kind === 'failed' && <FailureMessage failure={log.failure} testId="admin-log-error" />}
      {log.kind === 'ok' && log.value.entries.length === 0 && <p>{t('admin.log.empty')}</p>}
      {log.kind === 'ok' && log.value.entries.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="admin-log-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.log.at')}</th>
                <th scope="col">{t('admin.log.action')}</th>
                <th scope="col">{t('admin.log.actor')}</th>
                <th scope="col">{t('admin.log.target')}</th>
                <th scope="col">{t('admin.log.ip')}</th>
                <th scope="col">{t('admin.log.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {log.value.entries.map((entry) => (
                <tr key={entry.id} data-testid="admin-log-row" data-action={entry.action}>
                  <td>{formatDateTime(entry.at, i18n.language)}</td>
                  <td>
                    {isKnownAction(entry.action) ? t(`admin.log.actions.${entry.action}`) : entry.action}
                  </td>
                  <td>{entry.actorUsername ?? t('admin.none')}</td>
                  <td className="technical">{entry.target ?? t('admin.none')}</td>
                  <td>{entry.ip ?? t('admin.none')}</td>
                  <td className="technical">
                    {Object.keys(entry.detail).length === 0 ? t('admin.none') : JSON.stringify(entry.detail)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
