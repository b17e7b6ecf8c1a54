import { createContext, useContext, type ReactNode } from 'react';
import { AuditStore } from '../../storage/audit-store';
import { DuchaDb } from '../../storage/db';
import type { OwnAudits } from '../../storage/own-audits';
import { trustedRubrics } from '../shipped-rubrics';

const StoreContext = createContext<AuditStore | null>(null);

let defaultStore: AuditStore | undefined;
/** One database connection for the whole app; Dexie shares it across components and live queries. */
export function getDefaultStore(): AuditStore {
  defaultStore ??= new AuditStore(new DuchaDb(), undefined, undefined, trustedRubrics);
  return defaultStore;
}

let makeOwnAudits: ((store: AuditStore) => OwnAudits) | undefined;
/**
 * The dashboard's code over this device's own seals (and the bundle writer 导出 uses) is a chunk of its own,
 * fetched with the dashboard (see screens.ts): an auditor's screens never download or run it.
 */
export async function loadOwnAudits(): Promise<void> {
  makeOwnAudits ??= (await import('./own-audits')).makeOwnAudits;
}

const ownAudits = new WeakMap<AuditStore, OwnAudits>();
/** This device's own sealed audits, for the dashboard when it does not read the server. */
export function useOwnAudits(): OwnAudits {
  const store = useStore();
  if (makeOwnAudits === undefined)
    throw new Error('useOwnAudits before loadOwnAudits(): open the dashboard through screens.ts');
  let own = ownAudits.get(store);
  if (!own) {
    own = makeOwnAudits(store);
    ownAudits.set(store, own);
  }
  return own;
}

export function StoreProvider({ store, children }: { store: AuditStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStore(): AuditStore {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useStore must be used inside <StoreProvider>');
  return store;
}
