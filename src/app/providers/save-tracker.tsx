import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { SaveTrackerStore, type SaveState } from './save-tracker-store';

export type { UnsavedWrite } from './unsaved-writes';
export type { SaveFailure, SaveState } from './save-tracker-store';

/** What components that write need: stable functions, so using them never re-renders anything. */
export type SaveTracker = Pick<SaveTrackerStore, 'track' | 'settled' | 'unsavedNow' | 'dismiss'>;

const SaveContext = createContext<SaveTrackerStore | null>(null);

export function SaveTrackerProvider({ children }: { children: ReactNode }) {
  const [tracker] = useState(() => new SaveTrackerStore());
  // A write still running or failed exists only on this page: leaving or reloading now would lose it without
  // a word, so the browser asks first (its own dialog; the text is the browser's). Followed outside React, so
  // the status changing twice per tap re-renders nothing here.
  useEffect(() => {
    const ask = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    let isAsking = false;
    const follow = () => {
      const { pending, failure } = tracker.getState();
      const hasUnsaved = pending > 0 || failure !== undefined;
      if (hasUnsaved === isAsking) return;
      isAsking = hasUnsaved;
      if (hasUnsaved) window.addEventListener('beforeunload', ask);
      else window.removeEventListener('beforeunload', ask);
    };
    follow();
    const stop = tracker.subscribe(follow);
    return () => {
      stop();
      window.removeEventListener('beforeunload', ask);
    };
  }, [tracker]);
  return <SaveContext.Provider value={tracker}>{children}</SaveContext.Provider>;
}

function useTrackerStore(): SaveTrackerStore {
  const tracker = useContext(SaveContext);
  if (tracker === null) throw new Error('useSaveTracker must be used inside <SaveTrackerProvider>');
  return tracker;
}

/** Starts and awaits writes. Never re-renders the caller: what the status shows is `useSaveState`. */
export function useSaveTracker(): SaveTracker {
  return useTrackerStore();
}

/**
 * The part of the save status a component shows; it re-renders only when that part changes (compared with
 * Object.is, so select a primitive or an object the state keeps, such as `failure`).
 */
export function useSaveState<T>(select: (state: SaveState) => T): T {
  const tracker = useTrackerStore();
  const last = useRef<{ state: SaveState; selected: T }>(undefined);
  return useSyncExternalStore(tracker.subscribe, () => {
    const state = tracker.getState();
    if (last.current?.state !== state) last.current = { state, selected: select(state) };
    return last.current.selected;
  });
}
