import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { AuditStore, StoredAudit } from '../../storage/audit-store';
import { useStore } from '../providers/store-provider';

const primed = new Map<string, StoredAudit>();

/**
 * Reads an audit before the first render (main.tsx, for the screen the page opens on), so that render shows
 * it instead of a loading state. Never rejects: a failed read is left to the screen's own live query.
 */
export async function primeAudit(store: AuditStore, id: string): Promise<void> {
  const audit = await store.getAudit(id).catch(() => undefined);
  if (audit !== undefined) primed.set(id, audit);
}

/** The audit primed for this screen, once (a later mount reads storage itself). */
export function takePrimedAudit(id: string | undefined): StoredAudit | undefined {
  const audit = id === undefined ? undefined : primed.get(id);
  if (id !== undefined) primed.delete(id);
  return audit;
}

/**
 * The audit as stored, kept live: any write (from this tab or another) re-renders with the new rows.
 * 'loading' until the first read; undefined when there is no such audit.
 */
export function useAudit(id: string | undefined): StoredAudit | undefined | 'loading' {
  const store = useStore();
  // A primed read is used once, by the screen that mounts first: later the live query is what is current.
  const [first] = useState(() => takePrimedAudit(id));
  return useLiveQuery(
    () => (id === undefined ? undefined : store.getAudit(id)),
    [store, id],
    first?.header.id === id ? first : 'loading',
  );
}
