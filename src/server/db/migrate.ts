import { sql, type Kysely } from 'kysely';
import { StartupError } from '../startup-error';
import type { BlobReader } from '../intake/envelope-images';
import { MIGRATIONS, type Migration } from './migrations';
import type { Database } from './tables';

/** Advisory lock key (class, id): instances starting together on one PostgreSQL migrate one after another. */
const MIGRATION_LOCK = [4173, 1] as const;

export interface MigrationReport {
  /** Versions applied by this call, in order. */
  readonly applied: readonly number[];
  /** The schema version the database is at now. */
  readonly version: number;
}

function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1) throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${index + 1}`);
  });
}

/**
 * Brings the schema up to the newest step, all in one transaction: a step that fails leaves the database
 * exactly as it was. Refuses a database that a newer server has migrated, or whose applied steps are not
 * this server's (another branch's step under the same number).
 */
export async function migrate(
  db: Kysely<Database>,
  migrations: readonly Migration[] = MIGRATIONS,
  /** The data dir's blob store, for steps that fill new tables from the stored envelopes. */
  blobs?: BlobReader,
): Promise<MigrationReport> {
  checkNumbering(migrations);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK[0]}, ${MIGRATION_LOCK[1]})`.execute(trx);
    await sql`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const done = await trx.selectFrom('schema_migrations').select(['version', 'name']).orderBy('version').execute();
    const newest = migrations.length;
    const tooNew = done.filter((row) => row.version > newest);
    if (tooNew.length > 0)
      throw new StartupError(
        `the database schema is at version ${Math.max(...tooNew.map((r) => r.version))}, newer than this server knows (${newest}): run a newer Ducha server, or restore a backup made by this version`,
      );
    for (const row of done) {
      const known = migrations[row.version - 1];
      if (known?.name !== row.name)
        throw new StartupError(
          `schema step ${row.version} in the database ("${row.name}") is not this server's step ${row.version} ("${known?.name ?? 'none'}"): the database was migrated by another build`,
        );
    }
    const doneVersions = new Set(done.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (doneVersions.has(migration.version)) continue;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await migration.backfill?.(trx, blobs);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() })
        .execute();
      applied.push(migration.version);
    }
    return { applied, version: newest };
  });
}
