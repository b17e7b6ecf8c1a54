import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SealSigner } from '../../src/domain/index';
import type { ServerConfig } from '../../src/server/config';
import { pgliteDirOf } from '../../src/server/db/open-database';
import { ingestAudit } from '../../src/server/intake/ingest-audit';
import { reindex } from '../../src/server/intake/reindex';
import { openServices } from '../../src/server/open-services';
import type { ServerServices } from '../../src/server/services';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { enrol, freshAudit, revisionTwo, seal } from './support/uploads';

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** Everything received, as the database holds it, in an order that does not depend on insertion. */
async function receivedState(services: ServerServices) {
  const accepted = await services.db.selectFrom('accepted_revisions').selectAll().orderBy('audit_id').execute();
  const held = await services.db.selectFrom('held_entries').selectAll().orderBy('audit_id').execute();
  const conflicts = await services.db
    .selectFrom('conflicts')
    .select(['audit_id', 'incoming_hash', 'incoming_envelope_sha256', 'existing', 'message', 'at', 'source'])
    .orderBy('audit_id')
    .orderBy('incoming_hash')
    .execute();
  const envelopeImages = await services.db.selectFrom('envelope_images').selectAll().orderBy('envelope_sha256').orderBy('image_sha256').execute();
  return { accepted, held, conflicts, envelopeImages };
}

/**
 * Uploads (through the same function as POST /api/audits) a stored audit with its revision 2, a conflicting
 * second seal, an audit held for its unknown key and a revision 2 held for its missing predecessor.
 */
async function receiveMixture(services: ServerServices, tablet: SealSigner): Promise<string[]> {
  for (const bytes of imagesOf().values()) await services.blobs.put(bytes);
  const first = freshAudit();
  const sealedFirst = await seal(first, tablet);
  const second = await seal(revisionTwo(first), tablet, { previousHash: sealedFirst.hash });
  const conflicting = await seal({ ...first, answers: first.answers.map((a, i) => (i === 0 ? { ...a, note: '另一个版本' } : a)) }, tablet);
  const stranger = await seal(freshAudit(), await nodeSigner());
  const orphanFirst = freshAudit();
  const orphan = await seal(revisionTwo(orphanFirst), tablet, { previousHash: (await seal(orphanFirst, tablet)).hash });
  const kinds: string[] = [];
  for (const envelope of [sealedFirst, second, conflicting, stranger, orphan])
    kinds.push((await ingestAudit(services, bytesOf(envelope), 'test upload')).kind);
  return kinds;
}

describe.each(BACKENDS)('reindex: the database rebuilt from the blob store, on %s', (backendName) => {
  const backend = useBackend(backendName);

  async function withServices<T>(config: ServerConfig, work: (services: ServerServices) => Promise<T>): Promise<T> {
    const opened = await openServices(config);
    try {
      return await work(opened.services);
    } finally {
      await opened.close();
    }
  }

  it('rebuilds exactly what was received: accepted, held and conflicts, with their arrival times', async () => {
    const config = await backend.freshConfig();
    const tablet = await nodeSigner();
    const before = await withServices(config, async (services) => {
      await enrol(services.db, tablet);
      expect(await receiveMixture(services, tablet)).toEqual(['stored', 'stored', 'conflict', 'held', 'held']);
      return receivedState(services);
    });
    expect([before.accepted.length, before.held.length, before.conflicts.length]).toEqual([2, 2, 1]);
    // The three fixture images of each accepted or held envelope (GET /api/images reads through these).
    expect(before.envelopeImages.length).toBe(4 * 3);
    const after = await withServices(config, async (services) => {
      // A stale list must not survive the rebuild.
      await services.db.insertInto('envelope_images').values({ envelope_sha256: 'd'.repeat(64), image_sha256: 'c'.repeat(64) }).execute();
      const report = await reindex(services);
      expect(report).toEqual({ receipts: 5, accepted: 2, held: 2, conflicts: 1, refused: 0, damaged: [], skipped: [] });
      return receivedState(services);
    });
    expect(after).toEqual(before);
  }, 120_000);

  it('rebuilds the accepted audits after the database itself is lost, once the key register is restored', async () => {
    const config = await backend.freshConfig();
    const tablet = await nodeSigner();
    const before = await withServices(config, async (services) => {
      await enrol(services.db, tablet);
      await receiveMixture(services, tablet);
      return receivedState(services);
    });
    // The database is gone: the embedded one's files deleted, or an empty PostgreSQL database in its place.
    const lost = backendName === 'PGlite' ? config : await backend.freshConfig({ dataDir: config.dataDir });
    if (backendName === 'PGlite') rmSync(pgliteDirOf(config.dataDir), { recursive: true });
    const after = await withServices(lost, async (services) => {
      expect(await services.db.selectFrom('accepted_revisions').selectAll().execute()).toEqual([]);
      await enrol(services.db, tablet);
      await reindex(services);
      return receivedState(services);
    });
    expect(after).toEqual(before);
  }, 120_000);

  it('reports a receipt whose envelope is missing from the blob store instead of guessing', async () => {
    const config = await backend.freshConfig();
    const tablet = await nodeSigner();
    await withServices(config, async (services) => {
      await enrol(services.db, tablet);
      for (const bytes of imagesOf().values()) await services.blobs.put(bytes);
      const envelope = await seal(freshAudit(), tablet);
      expect((await ingestAudit(services, bytesOf(envelope), 'test')).kind).toBe('stored');
      await services.receipts.record({ version: 1, envelopeSha256: 'e'.repeat(64), receivedAt: new Date().toISOString(), source: 'lost' });
      const report = await reindex(services);
      expect(report.accepted).toBe(1);
      expect(report.damaged).toEqual([expect.stringMatching(new RegExp(`^envelope ${'e'.repeat(64)} \\(received .*\\) is missing$`))]);
    });
  }, 120_000);
});
