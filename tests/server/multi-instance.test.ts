import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeVerifier } from '../../src/crypto/node-verifier';
import { sha256Hex, verifyEnvelope, type SealedEnvelope } from '../../src/domain/index';
import type { ServerConfig } from '../../src/server/config';
import { reindex } from '../../src/server/intake/reindex';
import { openServices } from '../../src/server/open-services';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { imagesOf, nodeSigner, photoRed } from '../support/sealed-audit';
import { useBackend } from './support/backends';
import { killStrayServers, spawnServer, type ChildServer } from './support/child-server';
import { addUser, signIn, type ApiClient } from './support/sessions';
import { enrol, freshAudit, getJson, postAudit, putImage, seal } from './support/uploads';

const serverArgs = (config: ServerConfig) => [
  '--data-dir',
  config.dataDir,
  '--dist-dir',
  config.distDir,
  '--log-level',
  'warn',
];
const serverEnv = (config: ServerConfig): Record<string, string> =>
  config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {};

/** A photo no other audit has (a JPEG with bytes after its end marker), so its blob is new on whichever server gets it. */
const uniqueImages = () => imagesOf(Uint8Array.from([...photoRed, ...randomBytes(16)]));

interface Sent {
  readonly envelope: SealedEnvelope;
  readonly body: string;
  readonly images: Map<string, Uint8Array>;
}

async function stopChild(server: ChildServer): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
}

/** The instance id a process announced in the shared data dir. */
function instanceIdOf(dataDir: string, pid: number | undefined): string {
  for (const name of readdirSync(join(dataDir, 'instances'))) {
    const presence: unknown = JSON.parse(readFileSync(join(dataDir, 'instances', name), 'utf8'));
    if (getAt(presence, ['pid']) === pid) return String(getAt(presence, ['id']));
  }
  throw new Error(`no instance of pid ${pid} in ${dataDir}`);
}

describe('several servers on one PostgreSQL and one shared data dir', () => {
  const backend = useBackend('PostgreSQL');
  afterAll(killStrayServers);

  it('take uploads on either, in any split, read from either, survive restarts one at a time, and every audit verifies', async () => {
    const config = await backend.freshConfig();
    let a: RunningServer = await startServer(config, { logger: false });
    let b: ChildServer = await spawnServer(serverArgs(config), serverEnv(config));
    const sent: Sent[] = [];
    try {
      const tablet = await nodeSigner();
      const auditor = await addUser(a.services.db, 'auditor', { displayName: '王小明' });
      await enrol(a.services.db, tablet, '王小明', auditor.userId);
      // Signed in on one, used on the other: sessions live in the database, not in a server.
      const onA = await signIn(a.url, auditor.username);
      let onB: ApiClient = { baseUrl: b.url, headers: onA.headers };

      // Images to one server, the audit that needs them to the other, alternately.
      for (let i = 0; i < 6; i++) {
        const [imagesTo, auditTo] = i % 2 === 0 ? [onA, onB] : [onB, onA];
        const images = uniqueImages();
        for (const bytes of images.values())
          expect([200, 201]).toContain((await putImage(imagesTo, bytes)).status);
        const envelope = await seal(freshAudit(), tablet, { images });
        const body = JSON.stringify(envelope);
        const answer = await postAudit(auditTo, body);
        expect([answer.status, getAt(answer.body, ['status'])]).toEqual([201, 'stored']);
        sent.push({ envelope, body, images });
        const id = envelope.payload.audit.id;
        const back = await fetch(`${imagesTo.baseUrl}/api/audits/${id}/envelope`, {
          headers: imagesTo.headers,
        });
        expect(await back.text()).toBe(body);
      }

      // The same audit to both at the same moment: one stores it, the other finds it unchanged; no conflict.
      for (let i = 0; i < 4; i++) {
        const images = uniqueImages();
        for (const bytes of images.values()) {
          const puts = await Promise.all([putImage(onA, bytes), putImage(onB, bytes)]);
          for (const put of puts) expect([200, 201]).toContain(put.status);
        }
        const envelope = await seal(freshAudit(), tablet, { images });
        const body = JSON.stringify(envelope);
        const answers = await Promise.all([postAudit(onA, body), postAudit(onB, body)]);
        expect(answers.map((r) => `${r.status} ${String(getAt(r.body, ['status']))}`).sort()).toEqual([
          '200 unchanged',
          '201 stored',
        ]);
        sent.push({ envelope, body, images });
      }
      expect(await a.services.db.selectFrom('conflicts').selectAll().execute()).toEqual([]);

      // While servers share the data dir, operations that need it alone refuse, and name one of them.
      await expect(openServices(config)).rejects.toThrow(
        /is shared by 2 running Ducha server\(s\) \(e\.g\. pid \d+/,
      );

      // Restart B while A serves: A takes an upload meanwhile, B reads it back once up again.
      await stopChild(b);
      const whileBDown = uniqueImages();
      for (const bytes of whileBDown.values())
        expect([200, 201]).toContain((await putImage(onA, bytes)).status);
      const lonely = await seal(freshAudit(), tablet, { images: whileBDown });
      expect((await postAudit(onA, JSON.stringify(lonely))).status).toBe(201);
      sent.push({ envelope: lonely, body: JSON.stringify(lonely), images: whileBDown });
      b = await spawnServer(serverArgs(config), serverEnv(config));
      onB = { baseUrl: b.url, headers: onA.headers };
      expect(
        getAt((await getJson(`${b.url}/api/audits/${lonely.payload.audit.id}`, onB)).body, ['sealHash']),
      ).toBe(lonely.hash);

      // Restart A while B serves. A write B has in flight (a fresh file in its tmp folder) survives A's
      // start; what a dead instance left is swept, with its announcement.
      const bTmp = join(config.dataDir, 'tmp', instanceIdOf(config.dataDir, b.child.pid));
      writeFileSync(join(bTmp, 'write.in-flight.tmp'), 'half');
      const deadId = 'gone-host-1-deadbeef';
      mkdirSync(join(config.dataDir, 'tmp', deadId));
      writeFileSync(join(config.dataDir, 'tmp', deadId, 'write.1.tmp'), 'half');
      await a.close();
      const whileADown = uniqueImages();
      for (const bytes of whileADown.values())
        expect([200, 201]).toContain((await putImage(onB, bytes)).status);
      const other = await seal(freshAudit(), tablet, { images: whileADown });
      expect((await postAudit(onB, JSON.stringify(other))).status).toBe(201);
      sent.push({ envelope: other, body: JSON.stringify(other), images: whileADown });
      a = await startServer(config, { logger: false });
      expect(readFileSync(join(bTmp, 'write.in-flight.tmp'), 'utf8')).toBe('half');
      expect(existsSync(join(config.dataDir, 'tmp', deadId))).toBe(false);
      expect(
        getAt(
          (
            await getJson(`${a.url}/api/audits/${other.payload.audit.id}`, {
              baseUrl: a.url,
              headers: onA.headers,
            })
          ).body,
          ['sealHash'],
        ),
      ).toBe(other.hash);
    } finally {
      await a.close();
      await stopChild(b);
    }

    // Both stopped: nothing of theirs is left in the shared folders, and the data dir can be claimed alone.
    expect(readdirSync(join(config.dataDir, 'instances'))).toEqual([]);
    expect(readdirSync(join(config.dataDir, 'tmp'))).toEqual([]);
    const receiptFiles = readdirSync(join(config.dataDir, 'receipts'), {
      recursive: true,
      withFileTypes: true,
    }).filter((d) => d.isFile());
    // Every audit stored has its receipt, whichever instance took it: none overwrote another's. A copy
    // sent to both at once may have a receipt from each (both wrote theirs before the database decided),
    // as two such requests to one server do.
    const receiptNames = receiptFiles.map((d) => d.name);
    for (const { body } of sent)
      expect(
        receiptNames.filter((n) => n.endsWith(`-${sha256Hex(new TextEncoder().encode(body))}.json`)).length,
      ).toBeGreaterThanOrEqual(1);
    expect(receiptNames.length).toBeLessThanOrEqual(sent.length + 4);
    const opened = await openServices(config);
    try {
      const { db, blobs } = opened.services;
      const rows = await db
        .selectFrom('accepted_revisions')
        .select(['audit_id', 'seal_hash', 'envelope_sha256'])
        .execute();
      expect(rows.map((r) => r.audit_id).sort()).toEqual(sent.map((s) => s.envelope.payload.audit.id).sort());
      for (const { envelope, body, images } of sent) {
        const row = rows.find((r) => r.audit_id === envelope.payload.audit.id);
        const bytes = row ? await blobs.read(row.envelope_sha256) : undefined;
        expect(bytes && new TextDecoder().decode(bytes)).toBe(body);
        for (const [id, image] of images) expect(await blobs.read(sha256Hex(image)), id).toEqual(image);
        expect((await verifyEnvelope(JSON.parse(body), nodeVerifier, images)).status).toBe('valid');
      }
      const report = await reindex(opened.services);
      expect([
        report.receipts,
        report.accepted,
        report.held,
        report.conflicts,
        report.refused,
        report.damaged,
      ]).toEqual([receiptNames.length, sent.length, 0, 0, 0, []]);
      // And while it is held alone, no server joins.
      await expect(startServer(config, { logger: false })).rejects.toThrow(/is held alone by pid \d+/);
    } finally {
      await opened.close();
    }
  }, 240_000);
});

describe('the embedded database', () => {
  const backend = useBackend('PGlite');
  afterAll(killStrayServers);

  it('still refuses a second server process on its data dir', async () => {
    const config = await backend.freshConfig();
    const first = await spawnServer(serverArgs(config));
    try {
      await expect(spawnServer(serverArgs(config))).rejects.toThrow(
        /is in use by another Ducha server \(pid \d+/,
      );
      expect((await getJson(`${first.url}/api/health`)).status).toBe(200);
    } finally {
      await stopChild(first);
    }
    expect(existsSync(join(config.dataDir, 'instances'))).toBe(false);
  }, 120_000);
});
