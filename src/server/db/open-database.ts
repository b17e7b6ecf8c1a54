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
    // A bounded wait for a connection: while PostgreSQL is unreachable, requests are answered 503, not held.
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, connectionTimeoutMillis: 5000 });
    // A client losing its server, idle in the pool or checked out in the middle of a transaction (the
    // postmaster killed, pg_terminate_backend, a failover), emits `error`; unhandled, that ended the process.
    // The statement running or the next one on that client fails instead, the request is answered 503, and
    // the pool discards the client and connects afresh once PostgreSQL is back.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
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
