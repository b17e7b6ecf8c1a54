import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { toStorageError, type StorageErrorKind } from '../../storage/storage-error';

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
  const [pending, setPending] = useState(0);
  const [failed, setFailed] = useState<ReadonlyMap<string, FailedWrite>>(new Map());
  const [isDismissed, setIsDismissed] = useState(false);

  const track = useCallback(async <T,>(key: string, work: () => Promise<T>): Promise<T | undefined> => {
    setPending((n) => n + 1);
    try {
      const result = await work();
      setFailed((current) => {
        if (!current.has(key)) return current;
        const next = new Map(current);
        next.delete(key);
        return next;
      });
      return result;
    } catch (error) {
      const storageError = toStorageError(error);
      setFailed((current) => {
        const next = new Map(current);
        next.delete(key); // re-inserted last: the newest failure is the one described
        next.set(key, { work, kind: storageError.kind, detail: storageError.message });
        return next;
      });
      setIsDismissed(false);
      return undefined;
    } finally {
      setPending((n) => n - 1);
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

  const value = useMemo(
    () => ({ pending, failure, isBannerDismissed: isDismissed, track, dismiss }),
    [pending, failure, isDismissed, track, dismiss],
  );
  return <SaveContext.Provider value={value}>{children}</SaveContext.Provider>;
}

export function useSaveTracker(): SaveTracker {
  const tracker = useContext(SaveContext);
  if (tracker === null) throw new Error('useSaveTracker must be used inside <SaveTrackerProvider>');
  return tracker;
}
