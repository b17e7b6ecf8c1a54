import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/server/config';
import { ingestAudit, type IngestOutcome } from '../../src/server/intake/ingest-audit';
import { reindex } from '../../src/server/intake/reindex';
import { openServices } from '../../src/server/open-services';
import { writeBackup } from '../../src/server/ops/backup';
import { restoreBackup } from '../../src/server/ops/restore';
import type { ServerServices } from '../../src/server/services';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { enrol, freshAudit, seal } from './support/uploads';

/** Pairs raced; before the receipts were named under the lock, about one in six came back the wrong way. */
const PAIRS = 48;

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const work = mkdtempSync(join(tmpdir(), 'ducha-reindex-race-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Per audit: the seal stored and the seal recorded as a conflict, as the database holds them now. */
async function decided(services: ServerServices): Promise<Map<string, { stored: string; conflict: string | undefined }>> {
  const accepted = await services.db.selectFrom('accepted_revisions').select(['audit_id', 'seal_hash']).execute();
  const conflicts = await services.db.selectFrom('conflicts').select(['audit_id', 'incoming_hash']).execute();
  const byAudit = new Map<string, { stored: string; conflict: string | undefined }>();
  for (const row of accepted) byAudit.set(row.audit_id, { stored: row.seal_hash, conflict: undefined });
  for (const row of conflicts) {
    const found = byAudit.get(row.audit_id);
    if (found) byAudit.set(row.audit_id, { ...found, conflict: row.incoming_hash });
  }
  return byAudit;
}

describe.each(BACKENDS)('two seals of one audit at once: reindex keeps the one answered 201, on %s', (backendName) => {
  const backend = useBackend(backendName);

  async function withServices<T>(config: ServerConfig, job: (services: ServerServices) => Promise<T>): Promise<T> {
    const opened = await openServices(config);
    try {
      return await job(opened.services);
    } finally {
      await opened.close();
    }
  }

  it('replays the races in the order the per-audit lock decided them, also after backup, restore and reindex', async () => {
    const config = await backend.freshConfig();
    const tablet = await nodeSigner();
    const backupFile = join(work, `${backendName}.tar`);
    // What the uploaders were told: per audit, the seal answered 201 (stored) and the one answered 409.
    const answered = new Map<string, { stored: string; conflict: string | undefined }>();
    await withServices(config, async (services) => {
      await enrol(services.db, tablet);
      for (const bytes of imagesOf().values()) await services.blobs.put(bytes);
      const pairs = await Promise.all(
        Array.from({ length: PAIRS }, async () => {
          const audit = freshAudit();
          const other = { ...audit, answers: audit.answers.map((a, i) => (i === 0 ? { ...a, note: '同一次检查的另一个封存' } : a)) };
          return [await seal(audit, tablet), await seal(other, tablet)] as const;
        }),
      );
      const outcomes: IngestOutcome[][] = await Promise.all(
        pairs.map((pair) => Promise.all(pair.map((envelope) => ingestAudit(services, bytesOf(envelope), 'race')))),
      );
      for (const [index, pair] of pairs.entries()) {
        const kinds = (outcomes[index] ?? []).map((o) => o.kind).sort();
        expect(kinds, `pair ${index}`).toEqual(['conflict', 'stored']);
        const storedAt = outcomes[index]?.findIndex((o) => o.kind === 'stored') ?? -1;
        answered.set(pair[0].payload.audit.id, { stored: pair[storedAt]?.hash ?? '', conflict: pair[1 - storedAt]?.hash });
      }
      expect(await decided(services)).toEqual(answered);

      const report = await reindex(services);
      expect(report).toMatchObject({ receipts: 2 * PAIRS, accepted: PAIRS, conflicts: PAIRS, damaged: [] });
      const replayed = await decided(services);
      const wrong = [...answered].filter(([id, live]) => replayed.get(id)?.stored !== live.stored).length;
      expect(wrong, `${wrong} of ${PAIRS} races replayed the other way`).toBe(0);
      expect(replayed).toEqual(answered);
      await writeBackup(services, backupFile);
    });

    const target = await backend.freshConfig();
    await restoreBackup(target, backupFile, { force: false });
    const restored = await withServices(target, async (services) => {
      expect(await reindex(services)).toMatchObject({ receipts: 2 * PAIRS, accepted: PAIRS, conflicts: PAIRS, damaged: [] });
      return decided(services);
    });
    expect(restored).toEqual(answered);
  }, 180_000);
});
