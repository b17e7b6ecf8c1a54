import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import type { DashboardSource } from './use-dashboard-source';
import { failureText } from './use-server-dashboard';

const roleKeys = { admin: 'admin', auditor: 'auditor', 'site-manager': 'siteManager' } as const;

/**
 * Which data the dashboard shows and since when: every audit on the server, or this device's own data
 * because the device is offline, the server did not answer, or the account is not head office's.
 */
export function SourceBanner({
  source,
  total,
  onRetry,
}: {
  source: DashboardSource;
  /** Audits on the server, once known. */
  total: number | undefined;
  onRetry: () => void;
}) {
  const { t, i18n } = useTranslation();
  const time = (iso: string) => formatDateTime(iso, i18n.language);
  switch (source.kind) {
    case 'loading':
    case 'local':
      return null;
    case 'not-admin':
      return (
        <p className="banner banner--info" role="note" data-testid="dashboard-source" data-source="local" data-reason="not-admin">
          {t('headOfficeOnline.notAdmin', { role: t(`headOfficeOnline.roles.${roleKeys[source.role]}`) })}
        </p>
      );
    case 'server':
      return (
        <div className="banner banner--info" role="status" data-testid="dashboard-source" data-source="server">
          <p>
            {total === undefined || source.lastRead === undefined
              ? t('headOfficeOnline.loading')
              : t('headOfficeOnline.server', { count: total, time: time(source.lastRead) })}
          </p>
          <p>{t('headOfficeOnline.localPanels')}</p>
        </div>
      );
    case 'fallback': {
      const reason = source.reason === 'offline' ? 'offline' : source.reason.kind === 'offline' ? 'unreachable' : source.reason;
      const headline =
        reason === 'offline'
          ? t('headOfficeOnline.offline')
          : reason === 'unreachable'
            ? t('headOfficeOnline.unreachable')
            : reason.kind === 'http' && reason.status === 401
              ? t('headOfficeOnline.signedOut')
              : t('headOfficeOnline.refused', { detail: failureText(reason) });
      return (
        <div
          className="banner banner--warn"
          role="alert"
          data-testid="dashboard-source"
          data-source="local"
          data-reason={typeof reason === 'string' ? reason : reason.kind}
        >
          <p>{headline}</p>
          <p data-testid="dashboard-source-since">
            {t('headOfficeOnline.since', { time: time(source.since) })}{' '}
            {source.lastRead === undefined
              ? t('headOfficeOnline.neverServer')
              : t('headOfficeOnline.lastServer', { time: time(source.lastRead) })}
          </p>
          {source.reason !== 'offline' && (
            <button type="button" className="button" onClick={onRetry} data-testid="dashboard-retry-server">
              {t('headOfficeOnline.retry')}
            </button>
          )}
        </div>
      );
    }
  }
}
