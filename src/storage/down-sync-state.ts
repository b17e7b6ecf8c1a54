import { z } from 'zod';
import type { ServerLink } from './server-link';
import { unusableRubricSchema } from './server-rubrics';
import { getSetting } from './sites-and-settings';
import { type StoreContext, run } from './store-context';

// No wire schemas here (see server-link-key.ts): 设置 reads this on every tablet; down-sync-commit.ts writes it.
export const DOWN_SYNC_SETTING = 'downSync';

/**
 * Where this tablet's down-sync stands, for one server and one user (the feed of proposal decisions is per
 * user): the cursor to send as `since`, and the ETag of the answer to that very `since` (an ETag is the
 * server's name for one answer; one for another `since` would never match).
 */
export const downSyncStateSchema = z.strictObject({
  version: z.literal(1),
  serverUrl: z.string(),
  username: z.string(),
  cursor: z.number().int().min(0),
  etag: z.string().nullable(),
  syncedAt: z.string(),
  unusableRubrics: z.array(unusableRubricSchema),
});
export type DownSyncState = z.infer<typeof downSyncStateSchema>;

export const isSameLink = (state: DownSyncState, link: ServerLink) =>
  state.serverUrl === link.serverUrl && state.username === link.session.username;

/** The stored state for this link, or undefined (never synced, or synced for another server or user: start over). */
export async function readDownSyncState(ctx: StoreContext, link: ServerLink): Promise<DownSyncState | undefined> {
  const parsed = downSyncStateSchema.safeParse(await getSetting(ctx, DOWN_SYNC_SETTING));
  return parsed.success && isSameLink(parsed.data, link) ? parsed.data : undefined;
}

/** For 设置: the stored state whatever link it was for. */
export async function readAnyDownSyncState(ctx: StoreContext): Promise<DownSyncState | undefined> {
  const parsed = downSyncStateSchema.safeParse(await getSetting(ctx, DOWN_SYNC_SETTING));
  return parsed.success ? parsed.data : undefined;
}

/** A 304: nothing changed; only when it was last checked moves. */
export async function noteUnchanged(ctx: StoreContext, link: ServerLink): Promise<void> {
  await run(() =>
    ctx.db.transaction('rw', ctx.db.settings, async () => {
      const stored = downSyncStateSchema.safeParse((await ctx.db.settings.get(DOWN_SYNC_SETTING))?.value);
      if (!stored.success || !isSameLink(stored.data, link)) return;
      await ctx.db.settings.put({ key: DOWN_SYNC_SETTING, value: { ...stored.data, syncedAt: ctx.now() } });
    }),
  );
}
