import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useState,
  type Dispatch,
  type ReactNode,
  type SetStateAction,
} from 'react';
import { toStorageError, type StorageErrorKind } from '../../storage/storage-error';

export interface SaveFailure {
  readonly kind: StorageErrorKind;
  readonly detail: string;
  readonly retry: () => void;
}

interface SaveTracker {
  readonly pending: number;
  readonly failure: SaveFailure | undefined;
  /**
   * Runs a write and reports it: a failure is shown with a retry that repeats the same write. Resolves
   * to undefined on failure, so callers keep the user's input on screen until it is stored.
   */
  readonly track: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  readonly dismiss: () => void;
}

interface Setters {
  readonly setPending: Dispatch<SetStateAction<number>>;
  readonly setFailure: Dispatch<SetStateAction<SaveFailure | undefined>>;
}

async function runTracked<T>(work: () => Promise<T>, setters: Setters): Promise<T | undefined> {
  setters.setPending((n) => n + 1);
  try {
    const result = await work();
    setters.setFailure(undefined);
    return result;
  } catch (error) {
    const storageError = toStorageError(error);
    setters.setFailure({
      kind: storageError.kind,
      detail: storageError.message,
      retry: () => void runTracked(work, setters),
    });
    return undefined;
  } finally {
    setters.setPending((n) => n - 1);
  }
}

const SaveContext = createContext<SaveTracker | null>(null);

export function SaveTrackerProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState(0);
  const [failure, setFailure] = useState<SaveFailure | undefined>(undefined);
  const track = useCallback(<T,>(work: () => Promise<T>) => runTracked(work, { setPending, setFailure }), []);
  const dismiss = useCallback(() => {
    setFailure(undefined);
  }, []);
  const value = useMemo(() => ({ pending, failure, track, dismiss }), [pending, failure, track, dismiss]);
  return <SaveContext.Provider value={value}>{children}</SaveContext.Provider>;
}

export function useSaveTracker(): SaveTracker {
  const tracker = useContext(SaveContext);
  if (tracker === null) throw new Error('useSaveTracker must be used inside <SaveTrackerProvider>');
  return tracker;
}
