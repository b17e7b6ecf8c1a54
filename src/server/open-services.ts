import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServerConfig } from './config';
import { migrate } from './db/migrate';
import { openDatabase } from './db/open-database';
import type { ServerServices } from './services';
import { BlobStore } from './store/blob-store';
import { liveLockHolder, lockDataDir } from './store/data-dir-lock';
import { sweepTemporaryFiles } from './store/durable-file';
import { forgetDeadInstances, joinDataDir, liveInstances } from './store/instance-presence';
import { ReceiptLog } from './store/receipts';
import { StartupError } from './startup-error';

export interface OpenServices {
  readonly services: ServerServices;
  /** Temporary files from a crash that were swept away at start. */
  readonly sweptTemporaryFiles: number;
  close(): Promise<void>;
}

interface Claim {
  readonly instanceId: string;
  readonly tmpDir: string;
  readonly swept: number;
  release(): Promise<void>;
}

/**
 * The exclusive claim: the lock file, and no server instance sharing the data dir. Each side writes its
 * mark before it looks for the other's, so of a server and an operation starting at once one always sees
 * the other.
 */
async function claimAlone(dataDir: string): Promise<Claim> {
  const lock = await lockDataDir(dataDir);
  try {
    const others = await liveInstances(dataDir);
    const first = others[0];
    if (first)
      throw new StartupError(
        `the data dir ${dataDir} is shared by ${others.length} running Ducha server(s) (e.g. pid ${first.pid} on ${first.host}, since ${first.since}): stop them all first (a server that is gone for good: delete ${join(dataDir, 'instances', `${first.id}.json`)})`,
      );
    await forgetDeadInstances(dataDir);
    const tmpDir = join(dataDir, 'tmp');
    const swept = await sweepTemporaryFiles(tmpDir);
    return { instanceId: 'alone', tmpDir, swept, release: () => lock.release() };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** One of several servers on one PostgreSQL and one shared data dir: refused while an operation runs alone. */
async function claimShared(dataDir: string): Promise<Claim> {
  const { presence, swept } = await joinDataDir(dataDir);
  const holder = await liveLockHolder(dataDir);
  if (holder) {
    await presence.leave();
    throw new StartupError(
      `the data dir ${dataDir} is held alone by pid ${holder.pid} on ${holder.host} (since ${holder.since}), e.g. a restore or reindex: start the server when it has finished`,
    );
  }
  return { instanceId: presence.id, tmpDir: presence.tmpDir, swept, release: () => presence.leave() };
}

/**
 * Everything but HTTP, in the order that keeps the data safe: claim the data dir, sweep what a crash left
 * half-written, open the blob store and receipts, open and migrate the database.
 * The embedded database allows one process only, so the claim is exclusive; a server on PostgreSQL
 * (`shared`) joins the other instances on the data dir instead, each with its own tmp folder. Operations
 * (reindex, backup, restore, accounts) always claim it alone: none runs beside any server.
 */
export async function openServices(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>,
  options: { readonly allowIncompleteRestore?: boolean; readonly shared?: boolean } = {},
): Promise<OpenServices> {
  const dataDir = resolve(config.dataDir);
  const shared = options.shared === true && config.databaseUrl !== undefined;
  const lock = shared ? await claimShared(dataDir) : await claimAlone(dataDir);
  try {
    // Written by restoreBackup before it changes anything and removed only once everything is in: its
    // name in a data dir means a restore died part-way (the restore itself may open it again).
    if (!options.allowIncompleteRestore && existsSync(join(dataDir, 'RESTORE-INCOMPLETE')))
      throw new StartupError(
        `a restore into ${dataDir} did not finish (${join(dataDir, 'RESTORE-INCOMPLETE')}): run the restore again with --force, or restore another backup`,
      );
    const { tmpDir, swept } = lock;
    const blobs = await BlobStore.open(dataDir, tmpDir);
    const receipts = await ReceiptLog.open(dataDir, tmpDir, lock.instanceId);
    const database = await openDatabase({ dataDir, databaseUrl: config.databaseUrl });
    let schemaVersion: number;
    try {
      schemaVersion = (await migrate(database.db)).version;
    } catch (error) {
      await database.close();
      throw error;
    }
    return {
      services: { db: database.db, databaseKind: database.kind, blobs, receipts, schemaVersion, tmpDir },
      sweptTemporaryFiles: swept,
      close: async () => {
        try {
          await database.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
