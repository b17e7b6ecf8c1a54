import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/tables';

/** The first entry of every backup: what it holds and which schema its rows were dumped from. */
export const backupManifestSchema = z.strictObject({
  format: z.literal('ducha.server-backup'),
  version: z.literal(1),
  createdAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.number().int().min(1),
  databaseKind: z.enum(['pglite', 'postgresql']),
  tables: z.array(z.strictObject({ name: z.string(), rows: z.number().int().min(0) })),
  blobs: z.number().int().min(0),
  receipts: z.number().int().min(0),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;

export interface TableShape {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly isJson: boolean; readonly isIdentity: boolean }[];
}

// The database's own tables, read from the catalogue rather than listed here: tables later migrations add
// (accounts, sites, …) are backed up and restored without this file changing.
const columnRow = z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string(), is_identity: z.string() });
const foreignKeyRow = z.object({ child: z.string(), parent: z.string() });

/** Every table but schema_migrations, parents before the tables whose foreign keys name them. */
export async function tableShapes(db: Kysely<Database>): Promise<TableShape[]> {
  const columns = z.array(columnRow).parse(
    (
      await sql`select table_name, column_name, data_type, is_identity from information_schema.columns
        where table_schema = current_schema() and table_name <> 'schema_migrations'
        order by table_name, ordinal_position`.execute(db)
    ).rows,
  );
  const keys = z.array(foreignKeyRow).parse(
    (
      await sql`select c.relname as child, p.relname as parent from pg_constraint k
        join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
        where k.contype = 'f'`.execute(db)
    ).rows,
  );
  const byTable = new Map<string, TableShape['columns'][number][]>();
  for (const c of columns)
    byTable.set(c.table_name, [
      ...(byTable.get(c.table_name) ?? []),
      { name: c.column_name, isJson: c.data_type === 'json' || c.data_type === 'jsonb', isIdentity: c.is_identity === 'YES' },
    ]);
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const place = (name: string, path: readonly string[]) => {
    if (placed.has(name) || path.includes(name)) return;
    for (const k of keys) if (k.child === name && k.parent !== name) place(k.parent, [...path, name]);
    placed.add(name);
    ordered.push({ name, columns: byTable.get(name) ?? [] });
  };
  for (const name of [...byTable.keys()].sort()) place(name, []);
  return ordered;
}

/** The SHA-256 names a row points at in the blob store (envelopes); their images are found inside them. */
export const blobColumns = ['envelope_sha256', 'incoming_envelope_sha256'];
