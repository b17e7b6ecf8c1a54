import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServerLink } from '../../hooks/use-server-link';
import { adminApi, type AdminApi } from './admin-api';
import { AuditLogPanel } from './AuditLogPanel';
import { DevicesPanel } from './DevicesPanel';
import { RubricsPanel } from './RubricsPanel';
import { SitesPanel } from './SitesPanel';
import { UsersPanel } from './UsersPanel';
import { useOnline } from './use-online';

const tabs = ['users', 'sites', 'devices', 'rubrics', 'log'] as const;
type Tab = (typeof tabs)[number];

const panels: Readonly<Record<Tab, (props: { api: AdminApi }) => React.JSX.Element>> = {
  users: UsersPanel,
  sites: SitesPanel,
  devices: DevicesPanel,
  rubrics: RubricsPanel,
  log: AuditLogPanel,
};

/**
 * Head office's accounts, sites, device keys and rubric versions, on the server. Whoever the stored link says
 * is not an admin is told so here; the server refuses them anyway (the link is only what it answered at sign-in).
 */
export function AdminPage() {
  const { t } = useTranslation();
  const link = useServerLink();
  const isOnline = useOnline();
  const [tab, setTab] = useState<Tab>('users');
  const baseUrl = link.kind === 'signed-in' ? link.link.serverUrl : '';
  const api = useMemo(() => adminApi(baseUrl), [baseUrl]);

  let body: React.JSX.Element;
  if (link.kind === 'loading') body = <p className="loading">{t('app.loading')}</p>;
  else if (link.kind === 'signed-out')
    body = (
      <p className="banner banner--warn" role="alert" data-testid="admin-needs-sign-in">
        {t('admin.needsSignIn')}
      </p>
    );
  else if (link.link.session.role !== 'admin')
    body = (
      <p className="banner banner--error" role="alert" data-testid="admin-head-office-only">
        {t('admin.headOfficeOnly', {
          role: t(`admin.roles.${link.link.session.role}`),
          name: link.link.session.displayName,
        })}
      </p>
    );
  else {
    const Panel = panels[tab];
    const { session, serverUrl } = link.link;
    body = (
      <>
        <p className="subtitle" data-testid="admin-signed-in-as">
          {t('admin.signedInAs', {
            name: session.displayName,
            role: t(`admin.roles.${session.role}`),
            server: serverUrl === '' ? t('admin.thisOrigin') : serverUrl,
          })}
        </p>
        {!isOnline && (
          <p className="banner banner--warn" role="alert" data-testid="admin-offline">
            {t('admin.offline')}
          </p>
        )}
        <div className="admin-tabs" role="group" aria-label={t('admin.tabs.label')}>
          {tabs.map((name) => (
            <button
              key={name}
              type="button"
              className={`button${tab === name ? ' button--primary' : ''}`}
              aria-pressed={tab === name}
              onClick={() => {
                setTab(name);
              }}
              data-testid={`admin-tab-${name}`}
            >
              {t(`admin.tabs.${name}`)}
            </button>
          ))}
        </div>
        <Panel key={tab} api={api} />
      </>
    );
  }
  return (
    <section aria-labelledby="admin-title" className="page">
      <h1 id="admin-title">{t('admin.title')}</h1>
      {body}
    </section>
  );
}
