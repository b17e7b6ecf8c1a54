import { open, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { MIGRATIONS } from '../db/migrations';
import { indexStoredEnvelopes } from '../intake/envelope-images';
import { publishShippedRankingDefinition, SHIPPED_BY } from '../ranking/ranking-definitions';
import type { ServerConfig } from '../config';
import { openServices } from '../open-services';
import { syncDir } from '../store/durable-file';
import { receiptSchema } from '../store/receipts';
import { StartupError } from '../startup-error';
import { backupManifestSchema, tableShapes, type BackupManifest } from './backup-format';
import { readTar } from './tar-file';

/** Present in a data dir while a restore runs: a restore that dies leaves it, and the server will not start. */
export const RESTORE_MARKER = 'RESTORE-INCOMPLETE';
export const restoreMarkerOf = (dataDir: string): string => join(resolve(dataDir), RESTORE_MARKER);

const rowSchema = z.record(z.string(), z.unknown());
const CHUNK = 500;

export interface RestoreReport {
  readonly manifest: BackupManifest;
  readonly rows: number;
  readonly blobs: number;
}

/** The schema step that added envelope_images. */
const IMAGE_LISTS_VERSION = 4;
/** Migration 5 publishes the shipped ranking definition: every database from then on holds it. */
const SHIPPED_RANKING_VERSION = 5;

/**
 * Restores a backup into a data dir and its database (PGlite in the data dir, or DATABASE_URL), migrated to
 * this server's schema first. Refuses a backup from a newer schema, and a target that already holds audits,
 * keys or blobs unless `force` (which empties it, in the same transaction that fills it).
 * Blobs and receipts are written first (content-addressed, harmless), then every row in one transaction:
 * a restore killed before that commits leaves the database as it was. The marker file says, until the very
 * end, that the data dir is not to be trusted; the server refuses to start while it is there.
 */
export async function restoreBackup(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>,
  backupFile: string,
  options: { readonly force: boolean },
): Promise<RestoreReport> {
  const file = await open(backupFile, 'r');
  try {
    const entries = readTar(file)[Symbol.asyncIterator]();
    const first = await entries.next();
    if (first.done === true || first.value.name !== 'manifest.json')
      throw new StartupError(`${backupFile} is not a Ducha server backup (its first entry is not manifest.json)`);
    const manifest = backupManifestSchema.safeParse(JSON.parse(new TextDecoder().decode(first.value.bytes)));
    if (!manifest.success) throw new StartupError(`${backupFile}: its manifest is not a Ducha server backup manifest`);
    if (manifest.data.schemaVersion > MIGRATIONS.length)
      throw new StartupError(
        `${backupFile} was made at schema version ${manifest.data.schemaVersion}, newer than this server's ${MIGRATIONS.length}: restore it with a newer Ducha`,
      );
    const opened = await openServices(config, { allowIncompleteRestore: true });
    try {
      const { db, blobs, receipts } = opened.services;
      const shapes = await tableShapes(db);
      let isEmpty = true;
      for (const shape of shapes) {
        // The shipped ranking definition is in every new database (migration 5): it is not another server's data.
        const { rows } =
          shape.name === 'ranking_definitions'
            ? await sql<{ n: number }>`select count(*)::int as n from ranking_definitions where published_by <> ${SHIPPED_BY}`.execute(db)
            : await sql<{ n: number }>`select count(*)::int as n from ${sql.table(shape.name)}`.execute(db);
        if ((rows[0]?.n ?? 0) > 0) isEmpty = false;
      }
      for await (const _blob of blobs.list()) {
        isEmpty = false;
        break;
      }
      if (!isEmpty && !options.force)
        throw new StartupError(
          `the target (${config.databaseUrl ? 'DATABASE_URL' : config.dataDir}) already holds data: restore refuses to mix two servers' data; add --force to replace it`,
        );
      await writeFile(restoreMarkerOf(config.dataDir), `restore of ${backupFile} started ${new Date().toISOString()}\n`);
      await syncDir(resolve(config.dataDir));

      const tables = new Map<string, Record<string, unknown>[]>();
      let blobCount = 0;
      for (let next = await entries.next(); next.done !== true; next = await entries.next()) {
        const { name, bytes } = next.value;
        if (name.startsWith('blobs/')) {
          const { sha256 } = await blobs.put(bytes);
          if (`blobs/${sha256}` !== name) throw new Error(`${backupFile}: ${name} does not hold the bytes its name says`);
          blobCount++;
        } else if (name.startsWith('tables/') && name.endsWith('.ndjson')) {
          const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l !== '');
          tables.set(name.slice('tables/'.length, -'.ndjson'.length), lines.map((l) => rowSchema.parse(JSON.parse(l))));
        } else if (name === 'receipts.ndjson') {
          if (options.force) await rm(join(resolve(config.dataDir), 'receipts'), { recursive: true, force: true });
          // Kept so that `reindex` on the restored server rebuilds the same state in the same order.
          for (const line of new TextDecoder().decode(bytes).split('\n').filter((l) => l !== ''))
            await receipts.record(receiptSchema.parse(JSON.parse(line)));
        }
      }
      for (const table of manifest.data.tables) {
        const found = tables.get(table.name)?.length ?? 0;
        if (found !== table.rows)
          throw new Error(`${backupFile}: table ${table.name} has ${found} rows, its manifest says ${table.rows}: the file is damaged`);
      }
      const rowCount = await db.transaction().execute(async (trx) => {
        for (const shape of [...shapes].reverse()) await sql`delete from ${sql.table(shape.name)}`.execute(trx);
        let count = 0;
        for (const shape of shapes) {
          const rows = tables.get(shape.name) ?? [];
          const known = new Set(shape.columns.map((c) => c.name));
          const unknown = rows.flatMap((r) => Object.keys(r)).find((c) => !known.has(c));
          if (unknown !== undefined) throw new Error(`${backupFile}: table ${shape.name} has a column ${unknown} this schema does not`);
          const columns = shape.columns.filter((c) => rows.some((r) => c.name in r));
          const hasIdentity = columns.some((c) => c.isIdentity);
          for (let start = 0; start < rows.length; start += CHUNK) {
            const values = rows.slice(start, start + CHUNK).map(
              (row) =>
                sql`(${sql.join(columns.map((c) => (c.isJson ? JSON.stringify(row[c.name]) : row[c.name] ?? null)))})`,
            );
            await sql`insert into ${sql.table(shape.name)} (${sql.join(columns.map((c) => sql.ref(c.name)))})
              ${hasIdentity ? sql`overriding system value` : sql``} values ${sql.join(values)}`.execute(trx);
          }
          for (const column of shape.columns.filter((c) => c.isIdentity))
            await sql`select setval(pg_get_serial_sequence(${shape.name}, ${column.name}),
              coalesce((select max(${sql.ref(column.name)}) from ${sql.table(shape.name)}), 0) + 1, false)`.execute(trx);
          count += rows.length;
        }
        // A backup from before migration 4 has no image lists: made here from its envelopes, as the migration would.
        if (manifest.data.schemaVersion < IMAGE_LISTS_VERSION) await indexStoredEnvelopes(trx, blobs);
        // Likewise a backup from before migration 5 has no ranking definition: the shipped one, as the migration would.
        if (manifest.data.schemaVersion < SHIPPED_RANKING_VERSION) await publishShippedRankingDefinition(trx);
        return count;
      });
      await rm(restoreMarkerOf(config.dataDir), { force: true });
      await syncDir(resolve(config.dataDir));
      return { manifest: manifest.data, rows: rowCount, blobs: blobCount };
    } finally {
      await opened.close();
    }
  } finally {
    await file.close();
  }
}
