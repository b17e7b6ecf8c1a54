import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import { useApiLoad } from '../../server/use-api-load';
import { readDevices } from './server-intake';
import { failureText } from './use-server-dashboard';

/**
 * The server's key register, read only: which tablet key is whose. Tablets enrol themselves when their
 * auditor signs in; revoking is on the admin page, so the register has one place where it changes.
 */
export function KeyRegisterPanel({ serverUrl }: { serverUrl: string }) {
  const { t, i18n } = useTranslation();
  const [devices, reload] = useApiLoad(useCallback(() => readDevices(serverUrl), [serverUrl]));
  return (
    <section aria-labelledby="keys-title" className="dashboard__panel" data-testid="key-register">
      <div className="page__head">
        <h2 id="keys-title">{t('dashboard.keys.title')}</h2>
        <button type="button" className="button" onClick={reload} data-testid="keys-refresh">
          {t('dashboard.keys.refresh')}
        </button>
      </div>
      <p className="subtitle">{t('dashboard.keys.hint')}</p>
      {devices.kind === 'loading' && <p className="loading">{t('dashboard.loading')}</p>}
      {devices.kind === 'failed' && (
        <p role="alert" className="field__error" data-testid="keys-error">
          {t('dashboard.keys.failed', { detail: failureText(devices.failure) })}
        </p>
      )}
      {devices.kind === 'ok' && devices.value.devices.length === 0 && <p data-testid="keys-none">{t('dashboard.keys.none')}</p>}
      {devices.kind === 'ok' && devices.value.devices.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.keys.fingerprint')}</th>
                <th scope="col">{t('dashboard.keys.device')}</th>
                <th scope="col">{t('dashboard.keys.auditor')}</th>
                <th scope="col">{t('dashboard.keys.enrolledAt')}</th>
                <th scope="col">{t('dashboard.keys.status')}</th>
              </tr>
            </thead>
            <tbody>
              {devices.value.devices.map((d) => (
                <tr key={d.keyId} data-testid="key-row" data-key-id={d.keyId}>
                  <td>
                    <code>{d.fingerprint}</code>
                  </td>
                  <td>{d.deviceLabel}</td>
                  <td>{d.auditor}</td>
                  <td>{formatDateTime(d.enrolledAt, i18n.language)}</td>
                  <td>{d.revokedAt === null ? t('dashboard.keys.active') : t('dashboard.keys.revoked')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
