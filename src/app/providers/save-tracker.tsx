import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { toStorageError, type StorageErrorKind } from '../../storage/storage-error';
import { unsavedWritesOf, type UnsavedWrite } from './unsaved-writes';

export type { UnsavedWrite } from './unsaved-writes';

export interface SaveFailure {
  readonly kind: StorageErrorKind;
  readonly detail: string;
  /** How many writes are waiting for a retry. */
  readonly count: number;
  /** Repeats every failed write, oldest first. */
  readonly retry: () => void;
}

interface SaveTracker {
  readonly pending: number;
  /** Writes to this audit's content still running or failed (see `unsavedWritesOf`). */
  readonly unsavedFor: (auditId: string) => UnsavedWrite[];
  /** The same, read at this moment rather than at the last render (after `settled()`). */
  readonly unsavedNow: (auditId: string) => UnsavedWrite[];
  /** Resolves once no write is running (failed writes stay failed). */
  readonly settled: () => Promise<void>;
  /** Writes still failing; stays set (the status says so) even when the banner is dismissed. */
  readonly failure: SaveFailure | undefined;
  readonly isBannerDismissed: boolean;
  /**
   * Runs a write and reports it. `key` names what the write sets (e.g. `grade:<audit>:<unit>`): a failed
   * write is kept for retry until it, or a newer write to the same key, succeeds, so a retry never puts
   * back an older value. Resolves to undefined on failure, so callers keep the input on screen.
   */
  readonly track: <T>(key: string, work: () => Promise<T>) => Promise<T | undefined>;
  readonly dismiss: () => void;
}

interface FailedWrite {
  readonly work: () => Promise<unknown>;
  readonly kind: StorageErrorKind;
  readonly detail: string;
}

const SaveContext = createContext<SaveTracker | null>(null);

export function SaveTrackerProvider({ children }: { children: ReactNode }) {
  const [pendingKeys, setPendingKeys] = useState<ReadonlyMap<string, number>>(new Map());
  const running = useRef(new Set<Promise<unknown>>());
  // The same facts, updated synchronously: what `unsavedNow` reads after `settled()` without waiting for a render.
  const pendingNow = useRef(new Map<string, number>());
  const failedNow = useRef(new Set<string>());
  const [failed, setFailed] = useState<ReadonlyMap<string, FailedWrite>>(new Map());
  const [isDismissed, setIsDismissed] = useState(false);

  const track = useCallback(async <T,>(key: string, work: () => Promise<T>): Promise<T | undefined> => {
    const bump = (by: number) => {
      const count = (pendingNow.current.get(key) ?? 0) + by;
      if (count > 0) pendingNow.current.set(key, count);
      else pendingNow.current.delete(key);
      setPendingKeys((current) => {
        const next = new Map(current);
        const count = (next.get(key) ?? 0) + by;
        if (count > 0) next.set(key, count);
        else next.delete(key);
        return next;
      });
    };
    bump(1);
    const attempt = work();
    running.current.add(attempt);
    try {
      const result = await attempt;
      failedNow.current.delete(key);
      setFailed((current) => {
        if (!current.has(key)) return current;
        const next = new Map(current);
        next.delete(key);
        return next;
      });
      return result;
    } catch (error) {
      const storageError = toStorageError(error);
      failedNow.current.delete(key);
      failedNow.current.add(key);
      setFailed((current) => {
        const next = new Map(current);
        next.delete(key); // re-inserted last: the newest failure is the one described
        next.set(key, { work, kind: storageError.kind, detail: storageError.message });
        return next;
      });
      setIsDismissed(false);
      return undefined;
    } finally {
      running.current.delete(attempt);
      bump(-1);
    }
  }, []);

  const dismiss = useCallback(() => {
    setIsDismissed(true);
  }, []);

  const failure = useMemo((): SaveFailure | undefined => {
    const latest = [...failed.values()].at(-1);
    if (!latest) return undefined;
    const retry = () => {
      void (async () => {
        for (const [key, write] of failed) await track(key, write.work);
      })();
    };
    return { kind: latest.kind, detail: latest.detail, count: failed.size, retry };
  }, [failed, track]);

  const settled = useCallback(async () => {
    while (running.current.size > 0) await Promise.allSettled([...running.current]);
  }, []);

  const pending = [...pendingKeys.values()].reduce((a, b) => a + b, 0);

  // A write still running or failed exists only on this page: leaving or reloading now would lose it without a
  // word, so the browser asks first (its own dialog; the text is the browser's).
  const hasUnsaved = pending > 0 || failed.size > 0;
  useEffect(() => {
    if (!hasUnsaved) return;
    const ask = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', ask);
    return () => {
      window.removeEventListener('beforeunload', ask);
    };
  }, [hasUnsaved]);
  const unsavedFor = useCallback(
    (auditId: string) => unsavedWritesOf(auditId, pendingKeys, failed.keys()),
    [pendingKeys, failed],
  );

  const unsavedNow = useCallback(
    (auditId: string) => unsavedWritesOf(auditId, pendingNow.current, failedNow.current),
    [],
  );

  const value = useMemo(
    () => ({ pending, unsavedFor, unsavedNow, settled, failure, isBannerDismissed: isDismissed, track, dismiss }),
    [pending, unsavedFor, unsavedNow, settled, failure, isDismissed, track, dismiss],
  );
  return <SaveContext.Provider value={value}>{children}</SaveContext.Provider>;
}

export function useSaveTracker(): SaveTracker {
  const tracker = useContext(SaveContext);
  if (tracker === null) throw new Error('useSaveTracker must be used inside <SaveTrackerProvider>');
  return tracker;
}
