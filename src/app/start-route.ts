import type { AuditStore } from '../storage/audit-store';
import { primeAudit } from './hooks/use-audit';
import { hashPath, matchRoute } from './route-table';
import { screens } from './screens';

/**
 * Starts at once what the screen a URL opens needs: its code (which index.html is already fetching) and its
 * audit, opening the database on the way, so the first render shows the screen whole instead of a
 * sequence of loading states. Never rejects: whatever failed is retried, and reported, by the screen itself.
 */
export async function startRoute(hash: string, store: AuditStore): Promise<void> {
  const match = matchRoute(hashPath(hash));
  if (match === undefined) return;
  const auditId = match.params.id;
  await Promise.all([
    screens[match.route.screen].preload(),
    auditId === undefined ? undefined : primeAudit(store, auditId),
  ]);
}
