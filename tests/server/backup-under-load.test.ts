import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/domain/index';
import { ingestAudit } from '../../src/server/intake/ingest-audit';
import { reindex } from '../../src/server/intake/reindex';
import { openServices } from '../../src/server/open-services';
import { writeBackup } from '../../src/server/ops/backup';
import { restoreBackup } from '../../src/server/ops/restore';
import type { BlobStorage } from '../../src/server/store/blob-storage';
import { startServer } from '../../src/server/start-server';
import { nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs } from './support/sessions';
import { enrol, freshAudit, postAudit, putFixtureImages, seal } from './support/uploads';

/** Audits already there: their envelopes are what the backup writes for a while before it is complete. */
const STORED_BEFORE = 100;
/** Uploads sent side by side, without pause, while the backup runs. */
const UPLOADERS = 4;
/** Each blob read of the backup takes this much longer, as on a large site on a slow disk. */
const SLOW_READ_MS = 4;

const work = mkdtempSync(join(tmpdir(), 'ducha-backup-under-load-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The blob store as the backup sees it on a large site: every read takes a few milliseconds more. */
const slowed = (blobs: BlobStorage): BlobStorage => ({
  has: (sha256) => blobs.has(sha256),
  put: (bytes) => blobs.put(bytes),
  list: () => blobs.list(),
  read: async (sha256) => {
    await sleep(SLOW_READ_MS);
    return blobs.read(sha256);
  },
});

describe.each(BACKENDS)('an online backup under upload load, on %s', (backendName) => {
  const backend = useBackend(backendName);

  it('holds every audit acknowledged before it was complete, as a row or a receipt that reindex takes in', async () => {
    const config = await backend.freshConfig({ uploadsPerMinute: 100_000 });
    const server = await startServer(config, { logger: false });
    const file = join(work, `${backendName}.tar`);
    /** Audits answered 2xx before the backup was complete: audit id → sha256 of the bytes sent. */
    const acknowledged = new Map<string, string>();
    let answeredAfter = 0;
    try {
      const { services } = server;
      const auditor = await signedInAs(server, 'auditor', { displayName: '王小明' });
      const tablet = await nodeSigner();
      await enrol(services.db, tablet, '王小明', auditor.userId);
      // Sent by the auditor, as a tablet does: an envelope may name only images its sender sent (issue 19, 2).
      await putFixtureImages(auditor);
      const earlier = await Promise.all(Array.from({ length: STORED_BEFORE }, () => seal(freshAudit(), tablet)));
      for (const envelope of earlier) {
        const body = JSON.stringify(envelope);
        expect((await ingestAudit(services, new TextEncoder().encode(body), 'earlier')).kind).toBe('stored');
        acknowledged.set(envelope.payload.audit.id, sha256Hex(new TextEncoder().encode(body)));
      }

      let isComplete = false;
      let isStopping = false;
      const uploader = async () => {
        while (!isStopping) {
          const envelope = await seal(freshAudit(), tablet);
          const body = JSON.stringify(envelope);
          const answer = await postAudit(auditor, body);
          expect(answer.status, JSON.stringify(answer.body)).toBe(201);
          if (isComplete) answeredAfter++;
          else acknowledged.set(envelope.payload.audit.id, sha256Hex(new TextEncoder().encode(body)));
        }
      };
      const load = Promise.all(Array.from({ length: UPLOADERS }, uploader));
      // The load is running before the backup starts.
      await expect.poll(() => acknowledged.size, { timeout: 30_000 }).toBeGreaterThan(STORED_BEFORE + 10);
      await writeBackup({ ...services, blobs: slowed(services.blobs) }, file);
      // Set before any paused upload can be answered: its answer needs I/O, this continuation does not.
      isComplete = true;
      await sleep(300);
      isStopping = true;
      await load;
      expect(answeredAfter, 'uploads went on after the backup was complete').toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    const duringBackup = acknowledged.size - STORED_BEFORE;
    expect(duringBackup).toBeGreaterThan(20);

    const target = await backend.freshConfig();
    await restoreBackup(target, file, { force: false });
    const opened = await openServices(target);
    try {
      const { services } = opened;
      const rows = new Set((await services.db.selectFrom('accepted_revisions').select('audit_id').execute()).map((r) => r.audit_id));
      const receipts = new Set((await services.receipts.list()).receipts.map((r) => r.envelopeSha256));
      const missing = [...acknowledged].filter(([id, sha256]) => !rows.has(id) && !receipts.has(sha256));
      expect(missing.length, `${missing.length} of ${duringBackup} audits acknowledged under load before the backup was complete are in neither its rows nor its receipts`).toBe(0);
      const report = await reindex(services);
      expect(report.damaged).toEqual([]);
      const rebuilt = new Set((await services.db.selectFrom('accepted_revisions').select('audit_id').execute()).map((r) => r.audit_id));
      expect([...acknowledged.keys()].filter((id) => !rebuilt.has(id))).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 180_000);
});
