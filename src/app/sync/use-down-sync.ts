import { useEffect } from 'react';
import { useStore } from '../providers/store-provider';
import { downSyncIfLinked } from './lazy-down-sync';

/** Often enough that a newly published rubric or site reaches tablets within minutes; idle, each costs a 304. */
const DOWN_SYNC_EVERY_MS = 5 * 60_000;

/**
 * Runs the down-sync on start, whenever the browser says it is online again, and on a timer. Kept tiny on
 * purpose: the upload loop's trigger can absorb it (call runDownSync from there and drop this hook).
 */
export function useDownSync(): void {
  const store = useStore();
  useEffect(() => {
    const sync = () => {
      // A failure is kept for the next attempt (offline, signed out); nothing to show from here.
      downSyncIfLinked(store.context).catch(() => undefined);
    };
    sync();
    window.addEventListener('online', sync);
    const timer = window.setInterval(sync, DOWN_SYNC_EVERY_MS);
    return () => {
      window.removeEventListener('online', sync);
      window.clearInterval(timer);
    };
  }, [store]);
}
