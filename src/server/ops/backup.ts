import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { sealedEnvelopeSchema } from '../../domain/head-office';
import type { ServerServices } from '../services';
import { syncDir } from '../store/durable-file';
import { blobColumns, tableShapes, type BackupManifest } from './backup-format';
import { TarWriter } from './tar-file';

const rowSchema = z.record(z.string(), z.unknown());

function jsonOf(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Writes one consistent backup file (a tar): manifest.json, each table as tables/<name>.ndjson, the receipt
 * log in arrival order, and every blob the rows name (the envelopes and the images inside them). The rows are
 * read in one REPEATABLE READ transaction, so they are one moment's state even while uploads continue; the
 * blobs they name are immutable and were fsynced before those rows committed, so they are all there.
 * Written to `<out>.partial`, fsynced, then renamed: a backup file that exists is whole.
 */
export async function writeBackup(services: ServerServices, out: string, now = new Date()): Promise<BackupManifest> {
  const partial = `${out}.partial`;
  const file = await open(partial, 'w');
  let manifest: BackupManifest;
  try {
    const tar = new TarWriter(file);
    const dumped = await services.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const shapes = await tableShapes(trx);
        const tables: { name: string; text: string; rows: number }[] = [];
        const blobs = new Set<string>();
        for (const shape of shapes) {
          const { rows } = await sql`select * from ${sql.table(shape.name)}`.execute(trx);
          const lines: string[] = [];
          for (const raw of rows) {
            const row = rowSchema.parse(raw);
            for (const column of blobColumns) {
              const value = row[column];
              if (typeof value === 'string') blobs.add(value);
            }
            lines.push(JSON.stringify(row));
          }
          tables.push({ name: shape.name, text: lines.map((l) => `${l}\n`).join(''), rows: rows.length });
        }
        return { tables, blobs };
      });
    // Listed after the snapshot, so every row's receipt is here; receipts of uploads acknowledged while the
    // rows were read are here too, with their blobs, so `reindex` after a restore takes those in as well.
    const { receipts } = await services.receipts.list();
    const envelopes = [...new Set([...dumped.blobs, ...receipts.map((r) => r.envelopeSha256)])].sort();
    const images = new Set<string>();
    const present: string[] = [];
    for (const sha256 of envelopes) {
      const bytes = await services.blobs.read(sha256);
      if (!bytes) {
        if (dumped.blobs.has(sha256)) throw new Error(`the envelope ${sha256} named by the database is missing from the blob store`);
        continue; // a receipt whose envelope is gone: reindex already reports it as damaged; the backup keeps the receipt
      }
      present.push(sha256);
      const envelope = sealedEnvelopeSchema.safeParse(jsonOf(bytes));
      if (envelope.success) for (const blob of envelope.data.payload.blobs) images.add(blob.sha256);
    }
    const allBlobs = [...new Set([...present, ...images])].sort();
    manifest = {
      format: 'ducha.server-backup',
      version: 1,
      createdAt: now.toISOString(),
      schemaVersion: services.schemaVersion,
      databaseKind: services.databaseKind,
      tables: dumped.tables.map((t) => ({ name: t.name, rows: t.rows })),
      blobs: allBlobs.length,
      receipts: receipts.length,
    };
    await tar.add('manifest.json', JSON.stringify(manifest, null, 2));
    for (const table of dumped.tables) await tar.add(`tables/${table.name}.ndjson`, table.text);
    await tar.add('receipts.ndjson', receipts.map((r) => `${JSON.stringify(r)}\n`).join(''));
    for (const sha256 of allBlobs) {
      const bytes = await services.blobs.read(sha256);
      if (!bytes) throw new Error(`the image ${sha256} named by a stored envelope is missing from the blob store`);
      await tar.add(`blobs/${sha256}`, bytes);
    }
    await tar.finish();
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(partial, out);
  await syncDir(dirname(out));
  return manifest;
}
