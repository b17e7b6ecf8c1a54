import { siteSchema, type Site } from '../domain/index';
import { type StoreContext, run } from './store-context';

export const AUDITOR_SETTING = 'auditorName';

export async function listSites(ctx: StoreContext): Promise<Site[]> {
  const rows = await run(() => ctx.db.sites.orderBy('name').toArray());
  return rows
    .sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt))
    .flatMap(({ lastUsedAt: _lastUsedAt, ...site }) => {
      const parsed = siteSchema.safeParse(site);
      return parsed.success ? [parsed.data] : [];
    });
}

export async function getRememberedAuditor(ctx: StoreContext): Promise<string> {
  const row = await run(() => ctx.db.settings.get(AUDITOR_SETTING));
  return typeof row?.value === 'string' ? row.value : '';
}

export async function getSetting(ctx: Pick<StoreContext, 'db'>, key: string): Promise<unknown> {
  return (await run(() => ctx.db.settings.get(key)))?.value;
}

export async function setSetting(ctx: Pick<StoreContext, 'db'>, key: string, value: unknown): Promise<void> {
  await run(() => ctx.db.settings.put({ key, value }));
}
