import type { Kysely } from 'kysely';
import type { DatabaseKind } from './db/open-database';
import type { Database } from './db/tables';
import type { BlobStorage } from './store/blob-storage';
import type { ReceiptLog } from './store/receipts';

/** What the routes and the operations share: the database and the durable files beside it. */
export interface ServerServices {
  readonly db: Kysely<Database>;
  readonly databaseKind: DatabaseKind;
  readonly blobs: BlobStorage;
  readonly receipts: ReceiptLog;
  /** The schema version the database was migrated to at start. */
  readonly schemaVersion: number;
  /** This instance's own folder for temporary files, inside the data dir (swept at start). */
  readonly tmpDir: string;
}
