import { webCryptoVerifier } from '../../crypto/webcrypto-verifier';
import type { AuditStore } from '../../storage/audit-store';
import { HeadOfficeStore } from '../../storage/head-office-store';

/** Loaded only by loadHeadOffice() (store-provider.tsx), so this code stays out of the auditor's screens. */
export const makeHeadOffice = (store: AuditStore): HeadOfficeStore =>
  new HeadOfficeStore(store.db, store, webCryptoVerifier);
