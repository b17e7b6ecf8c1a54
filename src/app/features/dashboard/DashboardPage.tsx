import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FactSummary } from '../../../domain/head-office';
import { useOwnAudits } from '../../providers/store-provider';
import { DashboardBody } from './DashboardBody';
import type { DashboardControls } from './dashboard-data';
import { ExportPanel } from './ExportPanel';
import { HeldPanel } from './HeldPanel';
import { ImportPanel } from './ImportPanel';
import { KeyRegisterPanel } from './KeyRegisterPanel';
import { HeadOfficeMonth } from './HeadOfficeMonth';
import { LegacyUploadPanel } from './LegacyUploadPanel';
import { SourceBanner } from './SourceBanner';
import { useDashboardControls } from './use-dashboard-controls';
import { useDashboardSource, type DashboardSource } from './use-dashboard-source';
import { useLocalDashboard } from './use-local-dashboard';
import { useServerDashboard, type ServerEvents } from './use-server-dashboard';

/** Before any audit is here. */
function Empty({ testId, message }: { testId: string; message: string }) {
  return (
    <>
      <p className="banner banner--info" data-testid={testId}>
        {message}
      </p>
      <ExportPanel rubricId="" />
    </>
  );
}

/** The comparison over this device's own sealed audits. */
function LocalDashboard({ facts, controls }: { facts: readonly FactSummary[]; controls: DashboardControls }) {
  const { t } = useTranslation();
  const { data } = useLocalDashboard(facts, controls);
  if (!data) return <Empty testId="dashboard-empty" message={t('dashboard.empty')} />;
  return <DashboardBody data={data} controls={controls} />;
}

/** The comparison over every audit on the server, for head office signed in. */
function ServerDashboard({
  serverUrl,
  controls,
  events,
  onTotal,
}: {
  serverUrl: string;
  controls: DashboardControls;
  events: ServerEvents;
  onTotal: (total: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const view = useServerDashboard(serverUrl, controls, events);
  const total = view.state === 'ready' ? view.total : view.state === 'empty' ? 0 : undefined;
  useEffect(() => {
    onTotal(total);
  }, [onTotal, total]);
  switch (view.state) {
    case 'loading':
      return (
        <p className="loading" data-testid="dashboard-server-loading">
          {t('headOfficeOnline.loading')}
        </p>
      );
    case 'empty':
      return <Empty testId="dashboard-server-empty" message={t('headOfficeOnline.serverEmpty')} />;
    case 'ready':
      return <DashboardBody data={view.data} controls={controls} isBusy={view.isStale} />;
  }
}

const isServer = (source: DashboardSource): source is Extract<DashboardSource, { kind: 'server' }> => source.kind === 'server';

/**
 * Head office's view across sites. The server is head office: signed in as head office and answered, every
 * figure, the 待确认 and conflict lists and the key register are the server's. Otherwise this device's own
 * audits only, with a banner saying why and since when. Bundles dropped here go to the server (for any role
 * that may upload them); a device never linked imports nothing. Loaded only when opened.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const own = useOwnAudits();
  const controls = useDashboardControls();
  const { source, link, onRead, onFailure, retry } = useDashboardSource();
  const [serverTotal, setServerTotal] = useState<number>();
  const events = useMemo(() => ({ onRead, onFailure }), [onRead, onFailure]);
  // A live query: an audit finalised in another tab refreshes every figure.
  const facts = useLiveQuery(() => own.dashboardFacts(), [own]);
  const mayUpload = link !== undefined && (link.role === 'admin' || link.role === 'auditor');
  return (
    <section aria-labelledby="dashboard-title" className="page dashboard">
      <h1 id="dashboard-title">{t('dashboard.title')}</h1>
      <SourceBanner source={source} total={serverTotal} onRetry={retry} />
      {mayUpload && <LegacyUploadPanel serverUrl={link.serverUrl} />}
      {mayUpload && <ImportPanel serverUrl={link.serverUrl} />}
      {isServer(source) && <HeldPanel serverUrl={source.serverUrl} />}
      {isServer(source) && <KeyRegisterPanel serverUrl={source.serverUrl} />}
      {/* Head office's month lives on the server only: a device never computes the 综合排名. */}
      {isServer(source) && <HeadOfficeMonth serverUrl={source.serverUrl} />}
      {source.kind === 'loading' || facts === undefined ? (
        <p className="loading">{t('dashboard.loading')}</p>
      ) : isServer(source) ? (
        <ServerDashboard
          serverUrl={source.serverUrl}
          controls={controls}
          events={events}
          onTotal={setServerTotal}
        />
      ) : (
        <LocalDashboard facts={facts} controls={controls} />
      )}
    </section>
  );
}
