import { createContext, useContext, type ReactNode } from 'react';
import { AuditStore } from '../../storage/audit-store';
import { DuchaDb } from '../../storage/db';
import type { HeadOfficeStore } from '../../storage/head-office-store';
import { trustedRubrics } from '../shipped-rubrics';

const StoreContext = createContext<AuditStore | null>(null);

let defaultStore: AuditStore | undefined;
/** One database connection for the whole app; Dexie shares it across components and live queries. */
export function getDefaultStore(): AuditStore {
  defaultStore ??= new AuditStore(new DuchaDb(), undefined, undefined, trustedRubrics);
  return defaultStore;
}

let makeHeadOffice: ((store: AuditStore) => HeadOfficeStore) | undefined;
/**
 * Head office's code (HeadOfficeStore, the bundle reader and writer, intake, the seal verifier) is a chunk of
 * its own, fetched with the dashboard (see screens.ts): an auditor's screens never download or run it.
 */
export async function loadHeadOffice(): Promise<void> {
  makeHeadOffice ??= (await import('./head-office')).makeHeadOffice;
}

const headOffices = new WeakMap<AuditStore, HeadOfficeStore>();
/** Imports and dashboard facts, on the same database as the audits of this device. */
export function useHeadOffice(): HeadOfficeStore {
  const store = useStore();
  if (makeHeadOffice === undefined)
    throw new Error('useHeadOffice before loadHeadOffice(): open head-office screens through screens.ts');
  let headOffice = headOffices.get(store);
  if (!headOffice) {
    headOffice = makeHeadOffice(store);
    headOffices.set(store, headOffice);
  }
  return headOffice;
}

export function StoreProvider({ store, children }: { store: AuditStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useStore(): AuditStore {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useStore must be used inside <StoreProvider>');
  return store;
}
