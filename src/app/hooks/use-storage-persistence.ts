import { useEffect, useState } from 'react';

export type Persistence = 'unknown' | 'persisted' | 'best-effort';

/** Asks the browser not to evict our IndexedDB under storage pressure (Safari evicts after 7 idle days). */
export function useStoragePersistence(): Persistence {
  const [state, setState] = useState<Persistence>('unknown');
  useEffect(() => {
    let cancelled = false;
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!storage?.persist) return;
    storage
      .persist()
      .then((granted) => {
        if (!cancelled) setState(granted ? 'persisted' : 'best-effort');
      })
      .catch(() => {
        if (!cancelled) setState('best-effort');
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}
