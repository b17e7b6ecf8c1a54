import type { AuditStore } from '../../storage/audit-store';
import { OwnAudits } from '../../storage/own-audits';

/** Loaded only by loadOwnAudits() (store-provider.tsx), so the bundle writer stays out of the auditor's screens. */
export const makeOwnAudits = (store: AuditStore): OwnAudits => new OwnAudits(store.db, store);
