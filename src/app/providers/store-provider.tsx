import { createContext, useContext, type ReactNode } from 'react';
import { AuditStore } from '../../storage/audit-store';
import { DuchaDb } from '../../storage/db';
import { HeadOfficeStore } from '../../storage/head-office-store';
import { webCryptoVerifier } from '../../crypto/webcrypto-verifier';

const StoreContext = createContext<AuditStore | null>(null);

let defaultStore: AuditStore | undefined;
/** One database connection for the whole app; Dexie shares it across components and live queries. */
export function getDefaultStore(): AuditStore {
  defaultStore ??= new AuditStore(new DuchaDb());
  return defaultStore;
}

const headOffices = new WeakMap<AuditStore, HeadOfficeStore>();
/** Imports and dashboard facts, on the same database as the audits of this device. */
export function useHeadOffice(): HeadOfficeStore {
  const store = useStore();
  let headOffice = headOffices.get(store);
  if (!headOffice) {
    headOffice = new HeadOfficeStore(store.db, store, webCryptoVerifier);
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
