import { useLiveQuery } from 'dexie-react-hooks';
import type { StoredAudit } from '../../storage/audit-store';
import { useStore } from '../providers/store-provider';

/**
 * The audit as stored, kept live: any write (from this tab or another) re-renders with the new rows.
 * 'loading' until the first read; undefined when there is no such audit.
 */
export function useAudit(id: string | undefined): StoredAudit | undefined | 'loading' {
  const store = useStore();
  return useLiveQuery(() => (id === undefined ? undefined : store.getAudit(id)), [store, id], 'loading');
}
