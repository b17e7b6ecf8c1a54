import { z } from 'zod';
import type { DuchaDb } from './db';
import { run } from './store-context';

export const SYNC_STATE_SETTING = 'syncState';

/**
 * What the sync loop knows beyond the outbox itself, kept in the settings table: the server ended the session
 * (a 401: uploads wait for someone to sign in again), and why the server refused to enrol this device's key.
 */
export const syncStateSchema = z.strictObject({
  version: z.literal(1),
  sessionLost: z.strictObject({ at: z.string(), message: z.string() }).nullable(),
  enrolmentRefused: z.strictObject({ at: z.string(), code: z.string(), message: z.string() }).nullable(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

const EMPTY: SyncState = { version: 1, sessionLost: null, enrolmentRefused: null };

/** The stored state; a row that does not parse counts as nothing known (the loop then simply tries). */
export async function readSyncState(db: DuchaDb): Promise<SyncState> {
  const parsed = syncStateSchema.safeParse((await run(() => db.settings.get(SYNC_STATE_SETTING)))?.value);
  return parsed.success ? parsed.data : EMPTY;
}

export async function updateSyncState(db: DuchaDb, change: Partial<Omit<SyncState, 'version'>>): Promise<void> {
  await run(() =>
    db.transaction('rw', db.settings, async () => {
      const parsed = syncStateSchema.safeParse((await db.settings.get(SYNC_STATE_SETTING))?.value);
      const next = syncStateSchema.parse({ ...(parsed.success ? parsed.data : EMPTY), ...change });
      await db.settings.put({ key: SYNC_STATE_SETTING, value: next });
    }),
  );
}

export async function clearSyncState(db: DuchaDb): Promise<void> {
  await run(() => db.settings.delete(SYNC_STATE_SETTING));
}
