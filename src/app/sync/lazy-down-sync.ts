import { retryingImport } from '../retrying-import';
import { SERVER_LINK_SETTING } from '../../storage/server-link-key';
import type { StoreContext } from '../../storage/store-context';
import type { DownSyncOutcome } from './down-sync';

/**
 * The down-sync's code is a chunk of its own, fetched only on a tablet linked to a server: it parses answers
 * with the API's wire schemas, and those bring head office's domain code along, which an auditor's first
 * load must not fetch (tests/e2e/first-load.e2e.ts).
 */
const downSyncModule = retryingImport(() => import('./down-sync'));

/** Linked: one down-sync (joining one already running). Not linked: nothing is fetched or asked. */
export async function downSyncIfLinked(ctx: StoreContext): Promise<DownSyncOutcome> {
  if ((await ctx.db.settings.get(SERVER_LINK_SETTING)) === undefined) return { kind: 'not-linked' };
  const { runDownSyncOnce } = await downSyncModule.loadAfresh();
  return runDownSyncOnce(ctx);
}
