import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SealSigner } from '../../src/domain/index';
import { reindex } from '../../src/server/intake/reindex';
import { openServices } from '../../src/server/open-services';
import { restoreBackup } from '../../src/server/ops/restore';
import { startServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs } from './support/sessions';
import { enrol, freshAudit, getJson, postAudit, putFixtureImages, seal } from './support/uploads';

const work = mkdtempSync(join(tmpdir(), 'ducha-online-backup-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe.each(BACKENDS)('GET /api/backup from a running server, on %s', (backendName) => {
  const backend = useBackend(backendName);
  const other = useBackend(backendName === 'PGlite' ? 'PostgreSQL' : 'PGlite');

  it('backs up while uploads continue: every audit acknowledged before it is in the file, and restores into the other backend', async () => {
    const config = await backend.freshConfig();
    const server = await startServer(config, { logger: false });
    let file = '';
    let acknowledgedBefore: string[] = [];
    const duringBackup: string[] = [];
    try {
      const admin = await signedInAs(server, 'admin');
      const auditor = await signedInAs(server, 'auditor', { displayName: '王小明' });
      const tablet: SealSigner = await nodeSigner();
      await enrol(server.services.db, tablet, '王小明', auditor.userId);
      await putFixtureImages(auditor);
      const envelopes = await Promise.all(Array.from({ length: 12 }, () => seal(freshAudit(), tablet)));
      for (const envelope of envelopes.slice(0, 6)) expect((await postAudit(auditor, JSON.stringify(envelope))).status).toBe(201);
      acknowledgedBefore = envelopes.slice(0, 6).map((e) => e.payload.audit.id);

      // Not for anyone but head office: the file holds every audit, account hash and key.
      expect((await fetch(`${server.url}/api/backup`)).status).toBe(401);
      expect((await fetch(`${server.url}/api/backup`, { headers: auditor.headers })).status).toBe(403);
      const manager = await signedInAs(server, 'site-manager', { siteKeys: ['name:碧桂园凤凰城管理处'] });
      expect((await fetch(`${server.url}/api/backup`, { headers: manager.headers })).status).toBe(403);

      // Six more uploads race the backup.
      const racing = Promise.all(
        envelopes.slice(6).map(async (envelope) => {
          const answer = await postAudit(auditor, JSON.stringify(envelope));
          if (answer.status === 201) duringBackup.push(envelope.payload.audit.id);
        }),
      );
      const answer = await fetch(`${server.url}/api/backup`, { headers: admin.headers });
      await racing;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/x-tar');
      expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="ducha-backup-\d{8}-\d{6}\.tar"$/);
      file = join(work, `${backendName}.tar`);
      writeFileSync(file, new Uint8Array(await answer.arrayBuffer()));
      expect(duringBackup).toHaveLength(6);

      const log = await getJson(`${server.url}/api/audit-log?action=backup-downloaded`, admin);
      expect(getAt(log.body, ['entries', 0, 'actorUsername'])).toBe(admin.username);
      // Nothing is left behind in the server's tmp folder once the answer is sent.
      const tmpDir = server.services.tmpDir;
      await expect.poll(() => readdirSync(tmpDir).filter((n) => n.startsWith('backup-'))).toEqual([]);
    } finally {
      await server.close();
    }

    const target = await other.freshConfig();
    await restoreBackup(target, file, { force: false });
    const opened = await openServices(target);
    try {
      const restored = await opened.services.db.selectFrom('accepted_revisions').select('audit_id').execute();
      const ids = new Set(restored.map((r) => r.audit_id));
      for (const id of acknowledgedBefore) expect(ids.has(id), `audit ${id} acknowledged before the backup`).toBe(true);
      // Those that raced it may or may not be in it, but never in part: a reindex of the restored receipts and
      // blobs finds nothing damaged and keeps every row the backup had.
      const report = await reindex(opened.services);
      expect(report.damaged).toEqual([]);
      const all = new Set((await opened.services.db.selectFrom('accepted_revisions').select('audit_id').execute()).map((r) => r.audit_id));
      for (const id of ids) expect(all.has(id), `audit ${id} restored`).toBe(true);
      for (const id of all) expect([...acknowledgedBefore, ...duringBackup]).toContain(id);
    } finally {
      await opened.close();
    }
  }, 180_000);
});
