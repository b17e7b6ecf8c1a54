import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/server/config';
import { ingestAudit } from '../../src/server/intake/ingest-audit';
import { openServices } from '../../src/server/open-services';
import { writeBackup } from '../../src/server/ops/backup';
import { restoreBackup, restoreMarkerOf } from '../../src/server/ops/restore';
import { TarWriter } from '../../src/server/ops/tar-file';
import type { ServerServices } from '../../src/server/services';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { repoRoot } from '../support/load';
import { useBackend } from './support/backends';
import { enrol, freshAudit, revisionTwo, seal } from './support/uploads';

const work = mkdtempSync(join(tmpdir(), 'ducha-backup-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Every row of every table and every blob name, in an order that does not depend on insertion. */
async function everything(services: ServerServices) {
  const db = services.db;
  const blobs: string[] = [];
  for await (const name of services.blobs.list()) blobs.push(name);
  return {
    keys: await db.selectFrom('device_keys').selectAll().orderBy('key_id').execute(),
    rubrics: await db.selectFrom('accepted_rubrics').selectAll().orderBy('fingerprint').execute(),
    accepted: await db.selectFrom('accepted_revisions').selectAll().orderBy('audit_id').execute(),
    held: await db.selectFrom('held_entries').selectAll().orderBy('audit_id').execute(),
    conflicts: await db.selectFrom('conflicts').selectAll().orderBy('id').execute(),
    envelopeImages: await db.selectFrom('envelope_images').selectAll().orderBy('envelope_sha256').orderBy('image_sha256').execute(),
    blobs: blobs.sort(),
    receipts: (await services.receipts.list()).receipts,
  };
}

/** A stored audit and its revision 2, a conflicting seal, an audit held for its unknown key. */
async function fill(services: ServerServices): Promise<void> {
  const tablet = await nodeSigner();
  await enrol(services.db, tablet);
  for (const bytes of imagesOf().values()) await services.blobs.put(bytes);
  const first = freshAudit();
  const sealedFirst = await seal(first, tablet);
  const second = await seal(revisionTwo(first), tablet, { previousHash: sealedFirst.hash });
  const conflicting = await seal({ ...first, answers: first.answers.map((a) => ({ ...a, note: '另一个版本' })) }, tablet);
  const stranger = await seal(freshAudit(), await nodeSigner());
  const kinds = [];
  for (const envelope of [sealedFirst, second, conflicting, stranger])
    kinds.push((await ingestAudit(services, new TextEncoder().encode(JSON.stringify(envelope)), 'test')).kind);
  expect(kinds).toEqual(['stored', 'stored', 'conflict', 'held']);
}

async function stateOf(config: ServerConfig) {
  const opened = await openServices(config);
  try {
    return await everything(opened.services);
  } finally {
    await opened.close();
  }
}

describe('server backup and restore: one file, into either backend', () => {
  const pglite = useBackend('PGlite');
  const postgres = useBackend('PostgreSQL');

  for (const [from, to] of [
    ['PGlite', 'PostgreSQL'],
    ['PostgreSQL', 'PGlite'],
  ] as const) {
    it(`restores a backup made on ${from} into ${to}: the same rows, receipts and blobs`, async () => {
      const source = await (from === 'PGlite' ? pglite : postgres).freshConfig();
      const opened = await openServices(source);
      const file = join(work, `${from}.tar`);
      let before;
      try {
        await fill(opened.services);
        before = await everything(opened.services);
        const manifest = await writeBackup(opened.services, file);
        expect(manifest.tables.find((t) => t.name === 'accepted_revisions')?.rows).toBe(2);
        expect(manifest.blobs).toBe(before.blobs.length);
      } finally {
        await opened.close();
      }
      expect(before.accepted).toHaveLength(2);
      expect(before.held).toHaveLength(1);
      expect(before.conflicts).toHaveLength(1);
      const target = await (to === 'PGlite' ? pglite : postgres).freshConfig();
      const report = await restoreBackup(target, file, { force: false });
      // A key, two accepted, one held, one conflict, the three images each of the three kept envelopes names, and
      // the shipped ranking definition every database holds from migration 5.
      expect(report.rows).toBe(1 + 2 + 1 + 1 + 3 * 3 + 1);
      const after = await stateOf(target);
      expect(after.receipts.map((r) => r.envelopeSha256)).toEqual(before.receipts.map((r) => r.envelopeSha256));
      expect({ ...after, receipts: [] }).toEqual({ ...before, receipts: [] });
      expect(existsSync(restoreMarkerOf(target.dataDir))).toBe(false);

      // The target now holds data: a second restore is refused, and changes nothing, unless --force.
      await expect(restoreBackup(target, file, { force: false })).rejects.toThrow(/already holds data.*--force/);
      await restoreBackup(target, file, { force: true });
      expect({ ...(await stateOf(target)), receipts: [] }).toEqual({ ...before, receipts: [] });
    }, 120_000);
  }

  it('refuses a backup made at a newer schema, and a file that is not a backup', async () => {
    const newer = join(work, 'newer.tar');
    const handle = await open(newer, 'w');
    const tar = new TarWriter(handle);
    await tar.add(
      'manifest.json',
      JSON.stringify({
        format: 'ducha.server-backup',
        version: 1,
        createdAt: '2026-12-01T00:00:00.000Z',
        schemaVersion: 99,
        databaseKind: 'pglite',
        tables: [],
        blobs: 0,
        receipts: 0,
      }),
    );
    await tar.finish();
    await handle.close();
    const target = await pglite.freshConfig();
    await expect(restoreBackup(target, newer, { force: false })).rejects.toThrow(/schema version 99, newer than this server's/);
    const notTar = join(work, 'not.tar');
    const other = await open(notTar, 'w');
    await other.write(new TextEncoder().encode('{"format":"ducha.bundle"}'));
    await other.close();
    await expect(restoreBackup(target, notTar, { force: false })).rejects.toThrow(/incomplete|damaged/);
    expect(existsSync(restoreMarkerOf(target.dataDir))).toBe(false);
  }, 60_000);

  it('a restore killed at any point leaves the target either whole or clearly failed (the server will not start on it)', async () => {
    const source = await pglite.freshConfig();
    const opened = await openServices(source);
    const file = join(work, 'kill.tar');
    let before;
    try {
      await fill(opened.services);
      before = await everything(opened.services);
      await writeBackup(opened.services, file);
    } finally {
      await opened.close();
    }
    // Delays spread over the restore's life here (opening the database, blobs, rows); random within each.
    for (const base of [300, 900, 1500, 2500]) {
      const target = await postgres.freshConfig();
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'server', 'restore', file, '--data-dir', target.dataDir, '--database-url', target.databaseUrl ?? ''],
        { cwd: repoRoot, stdio: 'ignore' },
      );
      const exited = new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve();
        });
      });
      await new Promise((resolve) => setTimeout(resolve, base + Math.floor(Math.random() * 300)));
      child.kill('SIGKILL');
      await exited;
      if (existsSync(restoreMarkerOf(target.dataDir))) {
        await expect(openServices(target)).rejects.toThrow(/restore .* did not finish/);
        // And --force completes it.
        await restoreBackup(target, file, { force: true });
      }
      const state = await stateOf(target);
      const isEmpty = state.accepted.length === 0 && state.keys.length === 0;
      if (!isEmpty) expect({ ...state, receipts: [] }).toEqual({ ...before, receipts: [] });
    }
  }, 240_000);
});
