import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServerConfig } from './config';
import { migrate } from './db/migrate';
import { openDatabase } from './db/open-database';
import type { ServerServices } from './services';
import { BlobStore } from './store/blob-store';
import { lockDataDir } from './store/data-dir-lock';
import { sweepTemporaryFiles } from './store/durable-file';
import { ReceiptLog } from './store/receipts';
import { StartupError } from './startup-error';

export interface OpenServices {
  readonly services: ServerServices;
  /** Temporary files from a crash that were swept away at start. */
  readonly sweptTemporaryFiles: number;
  close(): Promise<void>;
}

/**
 * Everything but HTTP, in the order that keeps the data safe: lock the data dir (one process only), sweep
 * what a crash left half-written, open the blob store and receipts, open and migrate the database.
 * Used by the server and by operations that must run with the server stopped (reindex, tests' enrolment).
 */
export async function openServices(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>,
  options: { readonly allowIncompleteRestore?: boolean } = {},
): Promise<OpenServices> {
  const dataDir = resolve(config.dataDir);
  const lock = await lockDataDir(dataDir);
  try {
    // Written by restoreBackup before it changes anything and removed only once everything is in: its
    // name in a data dir means a restore died part-way (the restore itself may open it again).
    if (!options.allowIncompleteRestore && existsSync(join(dataDir, 'RESTORE-INCOMPLETE')))
      throw new StartupError(
        `a restore into ${dataDir} did not finish (${join(dataDir, 'RESTORE-INCOMPLETE')}): run the restore again with --force, or restore another backup`,
      );
    const tmpDir = join(dataDir, 'tmp');
    const swept = await sweepTemporaryFiles(tmpDir);
    const blobs = await BlobStore.open(dataDir, tmpDir);
    const receipts = await ReceiptLog.open(dataDir, tmpDir);
    const database = await openDatabase({ dataDir, databaseUrl: config.databaseUrl });
    let schemaVersion: number;
    try {
      schemaVersion = (await migrate(database.db)).version;
    } catch (error) {
      await database.close();
      throw error;
    }
    return {
      services: { db: database.db, databaseKind: database.kind, blobs, receipts, schemaVersion },
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
