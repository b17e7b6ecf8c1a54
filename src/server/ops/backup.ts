import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { z } from 'zod';
import { sealedEnvelopeSchema } from '../../domain/head-office';
import type { ServerServices } from '../services';
import { syncDir } from '../store/durable-file';
import type { Receipt } from '../store/receipts';
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
 * Receipts acknowledged while it runs are added until it is complete (see below). Written to
 * `<out>.partial`, fsynced, then renamed: a backup file that exists is whole.
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
    const manifestOf = (counts: { blobs: number; receipts: number }): BackupManifest => ({
      format: 'ducha.server-backup',
      version: 1,
      createdAt: now.toISOString(),
      schemaVersion: services.schemaVersion,
      databaseKind: services.databaseKind,
      tables: dumped.tables.map((t) => ({ name: t.name, rows: t.rows })),
      ...counts,
    });
    // The counts are known only at the end; the manifest stays the first entry, rewritten in place then.
    const placeholder = JSON.stringify(manifestOf({ blobs: 0, receipts: 0 }), null, 2);
    const rewriteManifest = await tar.addRewritable('manifest.json', placeholder, new TextEncoder().encode(placeholder).length + 64);
    for (const table of dumped.tables) await tar.add(`tables/${table.name}.ndjson`, table.text);

    const written = new Set<string>();
    /** Adds every envelope the rows or these receipts name, and the images inside them, not yet in the file. */
    const addBlobsOf = async (receipts: readonly Receipt[]) => {
      const envelopes = [...new Set([...dumped.blobs, ...receipts.map((r) => r.envelopeSha256)])].filter((s) => !written.has(s)).sort();
      for (const sha256 of envelopes) {
        const bytes = await services.blobs.read(sha256);
        if (!bytes) {
          if (dumped.blobs.has(sha256)) throw new Error(`the envelope ${sha256} named by the database is missing from the blob store`);
          continue; // a receipt whose envelope is gone: reindex already reports it as damaged; the backup keeps the receipt
        }
        await tar.add(`blobs/${sha256}`, bytes);
        written.add(sha256);
        const envelope = sealedEnvelopeSchema.safeParse(jsonOf(bytes));
        if (!envelope.success) continue;
        for (const { sha256: image } of envelope.data.payload.blobs) {
          if (written.has(image)) continue;
          const imageBytes = await services.blobs.read(image);
          if (!imageBytes) throw new Error(`the image ${image} named by a stored envelope is missing from the blob store`);
          await tar.add(`blobs/${image}`, imageBytes);
          written.add(image);
        }
      }
    };
    // Listed after the snapshot, so every row's receipt is here; then again once those blobs are written,
    // which takes seconds on a large site, and a last time with new receipts paused: every upload this server
    // acknowledged before the file is complete is in it, as a row or at least as a receipt with its blobs,
    // which `reindex` after a restore takes in.
    await addBlobsOf((await services.receipts.list()).receipts);
    await addBlobsOf((await services.receipts.list()).receipts);
    manifest = await services.receipts.whilePaused(async () => {
      const { receipts } = await services.receipts.list();
      await addBlobsOf(receipts);
      await tar.add('receipts.ndjson', receipts.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await tar.finish();
      const final = manifestOf({ blobs: written.size, receipts: receipts.length });
      await rewriteManifest(JSON.stringify(final, null, 2));
      await file.sync();
      await file.close();
      await rename(partial, out);
      await syncDir(dirname(out));
      return final;
    });
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
  return manifest;
}
