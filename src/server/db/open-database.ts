import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StartupError } from '../startup-error';
import { PGliteDialect } from './pglite-dialect';
import type { Database } from './tables';

export type DatabaseKind = 'pglite' | 'postgresql';

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** Closes the pool or the embedded database; safe to call twice. */
  close(): Promise<void>;
}

/** Where the embedded database lives inside the data dir. */
export const pgliteDirOf = (dataDir: string): string => join(dataDir, 'pglite');

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The same Kysely database on either backend: PostgreSQL through a pg pool when a URL is given, else PGlite
 * (PostgreSQL in WASM) in `<dataDir>/pglite`. The caller holds the data-dir lock: PGlite's files must never
 * be opened by two processes.
 */
export async function openDatabase(options: { dataDir: string; databaseUrl?: string | undefined }): Promise<OpenDatabase> {
  let closed = false;
  if (options.databaseUrl !== undefined) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await db.destroy();
      throw new StartupError(`cannot reach PostgreSQL at DATABASE_URL: ${messageOf(error)}`);
    }
    return {
      db,
      kind: 'postgresql',
      close: async () => {
        if (closed) return;
        closed = true;
        await db.destroy();
      },
    };
  }
  const dir = pgliteDirOf(options.dataDir);
  await mkdir(dir, { recursive: true });
  let embedded: PGlite;
  try {
    embedded = await PGlite.create(dir);
  } catch (error) {
    throw new StartupError(`cannot open the embedded database in ${dir}: ${messageOf(error)}`);
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(embedded) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
