import { useEffect, useState } from 'react';
import type { ApiFailure, ApiResult } from './api-client';

export type LoadState<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'failed'; readonly failure: ApiFailure };

/**
 * A list read from the server, and a way to read it again after a change. `load` must be stable
 * (useCallback): a new one reads again. A reload keeps the old list on screen until the new one arrives.
 */
export function useApiLoad<T>(load: () => Promise<ApiResult<T>>): readonly [LoadState<T>, () => void] {
  const [state, setState] = useState<LoadState<T>>({ kind: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let isCurrent = true;
    void load().then((result) => {
      if (!isCurrent) return;
      setState(result.ok ? { kind: 'ok', value: result.value } : { kind: 'failed', failure: result });
    });
    return () => {
      isCurrent = false;
    };
  }, [load, round]);
  return [
    state,
    () => {
      setRound((n) => n + 1);
    },
  ] as const;
}
