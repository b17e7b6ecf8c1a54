import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect } from 'react';
import { isUnsent, listOutbox, type OutboxEntry } from '../../storage/outbox';
import { readServerLink, type ServerLink } from '../../storage/server-link';
import { readSyncState, type SyncState } from '../../storage/sync-state';
import { useStore } from '../providers/store-provider';
import { syncEngineFor } from './sync-engine';

export interface SyncStatus {
  /** undefined: this device is not signed in to a server (then nothing about uploads is shown). */
  readonly link: ServerLink | undefined;
  readonly state: SyncState;
  /** By the sealed revision's audit id. */
  readonly entries: ReadonlyMap<string, OutboxEntry>;
  readonly unsent: number;
}

/** The server link, the loop's state and every outbox entry, live (undefined while the first read runs). */
export function useSyncStatus(): SyncStatus | undefined {
  const { db } = useStore();
  return useLiveQuery(async () => {
    const [link, state, entries] = await Promise.all([readServerLink({ db }), readSyncState(db), listOutbox(db)]);
    return {
      link,
      state,
      entries: new Map(entries.map((e) => [e.auditId, e])),
      unsent: entries.filter(isUnsent).length,
    };
  }, [db]);
}

/** Starts the app's sync loop for as long as the app is mounted. */
export function useSyncEngine(): void {
  const { db } = useStore();
  useEffect(() => syncEngineFor(db).start(), [db]);
}
