import type { Site } from '../domain/index';
import { listAuditSites } from './server-sites';
import { type StoreContext, run } from './store-context';

export const AUDITOR_SETTING = 'auditorName';

/** Every usable site as an audit records it, most recently used first (retired server sites left out). */
export function listSites(ctx: StoreContext): Promise<Site[]> {
  return listAuditSites(ctx);
}

export async function getRememberedAuditor(ctx: StoreContext): Promise<string> {
  const row = await run(() => ctx.db.settings.get(AUDITOR_SETTING));
  return typeof row?.value === 'string' ? row.value : '';
}

export async function getSetting(ctx: StoreContext, key: string): Promise<unknown> {
  return (await run(() => ctx.db.settings.get(key)))?.value;
}

export async function setSetting(ctx: StoreContext, key: string, value: unknown): Promise<void> {
  await run(() => ctx.db.settings.put({ key, value }));
}
