import type { TFunction } from 'i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { readAnyDownSyncState } from '../../../storage/down-sync-state';
import { SERVER_LINK_SETTING } from '../../../storage/server-link-key';
import { formatDateTime } from '../../format';
import { useStore } from '../../providers/store-provider';
import type { DownSyncOutcome } from '../../sync/down-sync';
import { downSyncIfLinked } from '../../sync/lazy-down-sync';

// i18next's own type: ReturnType<typeof useTranslation>['t'] grows too deep for TypeScript (TS2589) with the full catalogue.
type Translate = TFunction;

function outcomeText(t: Translate, outcome: DownSyncOutcome): string {
  switch (outcome.kind) {
    case 'not-linked':
      return t('downSync.notLinked');
    case 'unchanged':
      return t('downSync.result.unchanged');
    case 'updated':
      return t('downSync.result.updated', { rubrics: outcome.rubrics, sites: outcome.sites, decisions: outcome.decisions });
    case 'stale':
      return t('downSync.result.stale');
    case 'failed': {
      const { failure } = outcome;
      if (failure.kind === 'offline') return t('downSync.result.offline');
      if (failure.kind === 'unexpected') return t('downSync.result.unexpected', { message: failure.message });
      return t('downSync.result.failed', { status: failure.status, message: failure.error?.error.message ?? '' });
    }
  }
}

/**
 * 设置 → what head office sent down: when the tablet last synced, a button to sync now, and the published rubric
 * versions this app cannot score (kept out of 新建考核), each with its reason.
 */
export function ServerDataSection() {
  const { t, i18n } = useTranslation();
  const store = useStore();
  const isLinked = useLiveQuery(async () => (await store.getSetting(SERVER_LINK_SETTING)) !== undefined, [store]);
  const state = useLiveQuery(() => readAnyDownSyncState(store.context), [store]);
  const [isSyncing, setSyncing] = useState(false);
  const [result, setResult] = useState<string>();
  const syncNow = () => {
    setSyncing(true);
    downSyncIfLinked(store.context)
      .then(
        (outcome) => {
          setResult(outcomeText(t, outcome));
        },
        (error: unknown) => {
          setResult(error instanceof Error ? error.message : String(error));
        },
      )
      .finally(() => {
        setSyncing(false);
      });
  };
  return (
    <section aria-labelledby="server-data-title" data-testid="server-data">
      <h2 id="server-data-title">{t('downSync.settingsTitle')}</h2>
      {isLinked !== true ? (
        <p>{t('downSync.notLinked')}</p>
      ) : (
        <>
          <p data-testid="down-sync-last">
            {state ? t('downSync.lastSync', { time: formatDateTime(state.syncedAt, i18n.language) }) : t('downSync.never')}
          </p>
          <button type="button" className="button" onClick={syncNow} disabled={isSyncing} data-testid="down-sync-now">
            {isSyncing ? t('downSync.syncing') : t('downSync.syncNow')}
          </button>
          {result !== undefined && (
            <p role="status" data-testid="down-sync-result">
              {result}
            </p>
          )}
        </>
      )}
      {state && state.unusableRubrics.length > 0 && (
        <>
          <h3>{t('downSync.unusableTitle')}</h3>
          <p className="subtitle">{t('downSync.unusableHelp')}</p>
          <ul data-testid="unusable-rubrics">
            {state.unusableRubrics.map((u) => (
              <li key={u.fingerprint}>
                {t('downSync.unusableItem', {
                  rubricId: u.rubricId,
                  title: u.title,
                  date: u.publishedAt.slice(0, 10),
                  reason: u.reason,
                })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
