import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { latestRevisions, type FactSummary } from '../../../domain/head-office';
import { SNAPSHOT_REFRESH_DELAY_MS } from '../../../storage/head-office-store';
import { useHeadOffice } from '../../providers/store-provider';
import { DashboardBody } from './DashboardBody';
import type { DashboardControls } from './dashboard-data';
import { ExportPanel } from './ExportPanel';
import { HeldPanel } from './HeldPanel';
import { ImportPanel } from './ImportPanel';
import { KeyRegisterPanel } from './KeyRegisterPanel';
import { KpiImportPanel } from './KpiImportPanel';
import { MonthlyRankingPanel } from './MonthlyRankingPanel';
import { SourceBanner } from './SourceBanner';
import { useDashboardControls } from './use-dashboard-controls';
import { useDashboardSource, type DashboardSource } from './use-dashboard-source';
import { useLocalDashboard } from './use-local-dashboard';
import { useServerDashboard, type ServerEvents } from './use-server-dashboard';

/** One empty list, so the ranking's memos and live queries keep their inputs between renders. */
const noFacts: readonly FactSummary[] = [];

/** Before any audit is here: the KPI figures imported here still rank on their own. */
function Empty({ testId, message, localFacts }: { testId: string; message: string; localFacts: readonly FactSummary[] }) {
  return (
    <>
      <p className="banner banner--info" data-testid={testId}>
        {message}
      </p>
      <MonthlyRankingPanel facts={localFacts} />
      <ExportPanel rubricId="" />
    </>
  );
}

/** The comparison over this device's data: imported bundles and its own sealed audits. */
function LocalDashboard({ facts, controls }: { facts: readonly FactSummary[]; controls: DashboardControls }) {
  const { t } = useTranslation();
  const { latest, data } = useLocalDashboard(facts, controls);
  if (!data) return <Empty testId="dashboard-empty" message={t('dashboard.empty')} localFacts={noFacts} />;
  return <DashboardBody data={data} controls={controls} localFacts={latest} />;
}

/** The comparison over every audit on the server, for head office signed in. */
function ServerDashboard({
  serverUrl,
  controls,
  localFacts,
  events,
  onTotal,
}: {
  serverUrl: string;
  controls: DashboardControls;
  localFacts: readonly FactSummary[];
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
      return <Empty testId="dashboard-server-empty" message={t('headOfficeOnline.serverEmpty')} localFacts={localFacts} />;
    case 'ready':
      return <DashboardBody data={view.data} controls={controls} localFacts={localFacts} isBusy={view.isStale} />;
  }
}

const isServer = (source: DashboardSource): source is Extract<DashboardSource, { kind: 'server' }> => source.kind === 'server';

/**
 * Head office's view across sites: every audit on the server when head office is signed in and the server
 * answers; otherwise this device's imported bundles, with a banner saying which and since when. Loaded only
 * when opened, so the auditors' screens never pay for it.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const headOffice = useHeadOffice();
  const controls = useDashboardControls();
  const { source, onRead, onFailure, retry } = useDashboardSource();
  const [serverTotal, setServerTotal] = useState<number>();
  const events = useMemo(() => ({ onRead, onFailure }), [onRead, onFailure]);
  // A live query: an import (or an audit finalised in another tab) refreshes every figure. Read in either
  // mode: the monthly KPI ranking is always this device's.
  const facts = useLiveQuery(() => headOffice.dashboardFacts(), [headOffice]);
  // Facts read the slow way (no current snapshot): once they stop changing (not between an import's chunks),
  // the snapshot is made again so the next opening reads one record. Failing only costs that speed.
  useEffect(() => {
    if (facts === undefined || !headOffice.isSnapshotStale) return;
    const timer = setTimeout(() => {
      headOffice.refreshDashboardSnapshot().catch(() => undefined);
    }, SNAPSHOT_REFRESH_DELAY_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [facts, headOffice]);
  // The local view works these out itself; the server's view needs them only for the monthly KPI ranking.
  const onServer = isServer(source);
  const latest = useMemo(() => (onServer && facts ? latestRevisions(facts) : noFacts), [onServer, facts]);
  return (
    <section aria-labelledby="dashboard-title" className="page dashboard">
      <h1 id="dashboard-title">{t('dashboard.title')}</h1>
      <SourceBanner source={source} total={serverTotal} onRetry={retry} />
      <ImportPanel />
      <KpiImportPanel />
      <HeldPanel />
      <KeyRegisterPanel />
      {source.kind === 'loading' || facts === undefined ? (
        <p className="loading">{t('dashboard.loading')}</p>
      ) : isServer(source) ? (
        <ServerDashboard
          serverUrl={source.serverUrl}
          controls={controls}
          localFacts={latest}
          events={events}
          onTotal={setServerTotal}
        />
      ) : (
        <LocalDashboard facts={facts} controls={controls} />
      )}
    </section>
  );
}
