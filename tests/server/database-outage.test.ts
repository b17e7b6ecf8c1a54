import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealSigner } from '../../src/domain/index';
import { serverConfigSchema, type ServerConfig } from '../../src/server/config';
import { openServices } from '../../src/server/open-services';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { killStrayServers, spawnServer, type ChildServer } from './support/child-server';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster';
import { addUser, signIn, type ApiClient } from './support/sessions';
import { enrol, freshAudit, postAudit, putFixtureImages, seal } from './support/uploads';

/** Uploads sent side by side, each again as soon as it is answered, through every outage. */
const UPLOADERS = 6;

let cluster: PostgresCluster | undefined;
const work = mkdtempSync(join(tmpdir(), 'ducha-db-outage-'));
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 120_000);
afterAll(async () => {
  await killStrayServers();
  await cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

/** Answers seen by the load, and what was acknowledged (2xx), by audit id. */
interface Load {
  readonly statuses: Map<number | string, number>;
  readonly acknowledged: Set<string>;
  stop(): Promise<void>;
}

function startLoad(client: ApiClient, tablet: SealSigner): Load {
  const statuses = new Map<number | string, number>();
  const acknowledged = new Set<string>();
  let isStopping = false;
  const uploader = async () => {
    while (!isStopping) {
      const envelope = await seal(freshAudit(), tablet);
      let status: number | string;
      try {
        status = (await postAudit(client, JSON.stringify(envelope))).status;
      } catch {
        // The connection itself failed: only a dead server does that (each answer, even a 503, comes back).
        status = 'no answer';
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (typeof status === 'number' && status >= 200 && status < 300) acknowledged.add(envelope.payload.audit.id);
      // While the database is away the server answers at once; this keeps 503s from spinning the test.
      if (status === 503) await sleep(50);
    }
  };
  const running = Promise.all(Array.from({ length: UPLOADERS }, uploader));
  return {
    statuses,
    acknowledged,
    stop: async () => {
      isStopping = true;
      await running;
    },
  };
}

const count = (load: Load, status: number | string) => load.statuses.get(status) ?? 0;

async function health(server: ChildServer): Promise<{ status: number; retryAfter: string | null }> {
  const answer = await fetch(`${server.url}/api/health`);
  return { status: answer.status, retryAfter: answer.headers.get('retry-after') };
}

describe('PostgreSQL goes away under load: the server answers 503 and serves again by itself', () => {
  it('survives pg_terminate_backend of all its connections and a SIGKILLed postmaster, loses nothing acknowledged', async () => {
    if (!cluster) throw new Error('the PostgreSQL cluster did not start');
    const pgCluster = cluster;
    const databaseUrl = await pgCluster.createDatabase();
    const database = new URL(databaseUrl).pathname.slice(1);
    const dataDir = mkdtempSync(join(work, 'data-'));
    const config: ServerConfig = serverConfigSchema.parse({ host: '127.0.0.1', port: 0, dataDir, databaseUrl, distDir: join(dataDir, 'no-dist'), logLevel: 'silent' });
    const tablet = await nodeSigner();
    const opened = await openServices(config);
    let username: string;
    try {
      const auditor = await addUser(opened.services.db, 'auditor', { displayName: '王小明' });
      await enrol(opened.services.db, tablet, '王小明', auditor.userId);
      for (const bytes of imagesOf().values()) await opened.services.blobs.put(bytes);
      username = auditor.username;
    } finally {
      await opened.close();
    }

    const server = await spawnServer(
      ['--data-dir', dataDir, '--dist-dir', config.distDir, '--log-level', 'warn', '--uploads-per-minute', '100000'],
      { DATABASE_URL: databaseUrl },
    );
    let isAlive = true;
    void server.exited.then(() => {
      isAlive = false;
    });
    const client = await signIn(server.url, username);
    // Sent by the auditor, as a tablet does: an envelope may name only images its sender sent (issue 19, 2).
    await putFixtureImages(client);
    const load = startLoad(client, tablet);
    try {
      await expect.poll(() => load.acknowledged.size, { timeout: 30_000 }).toBeGreaterThan(20);

      // 1. Every connection of the server cut from the database side, three times, mid-load.
      for (let round = 0; round < 3; round++) {
        expect(await pgCluster.terminateConnections(database)).toBeGreaterThan(0);
        await sleep(300);
        expect(isAlive, `the server exited when its connections were terminated:\n${server.output()}`).toBe(true);
      }
      const afterTerminate = load.acknowledged.size;
      await expect.poll(() => load.acknowledged.size, { timeout: 30_000 }).toBeGreaterThan(afterTerminate + 10);

      // 2. The postmaster SIGKILLed mid-load: 503 with Retry-After while it is away, never a dead server.
      await pgCluster.killPostmaster();
      await expect.poll(() => count(load, 503), { timeout: 30_000 }).toBeGreaterThan(UPLOADERS);
      // Its backends notice the postmaster is gone within moments (on a loaded machine, not at once).
      await expect.poll(() => health(server), { timeout: 30_000, interval: 250 }).toEqual({ status: 503, retryAfter: '5' });
      await sleep(1000);
      expect(isAlive, `the server exited when PostgreSQL was killed:\n${server.output()}`).toBe(true);

      // 3. PostgreSQL back (crash recovery): the same process serves again, no restart.
      await pgCluster.restart();
      await expect.poll(async () => (await health(server)).status, { timeout: 30_000, interval: 250 }).toBe(200);
      const afterRestart = load.acknowledged.size;
      await expect.poll(() => load.acknowledged.size, { timeout: 30_000 }).toBeGreaterThan(afterRestart + 10);
      const fresh = await seal(freshAudit(), tablet);
      expect((await postAudit(client, JSON.stringify(fresh))).status).toBe(201);
      load.acknowledged.add(fresh.payload.audit.id);
    } finally {
      await load.stop();
    }
    expect(isAlive, server.output()).toBe(true);
    expect(count(load, 'no answer'), `answers: ${JSON.stringify([...load.statuses])}`).toBe(0);
    expect(count(load, 500), `answers: ${JSON.stringify([...load.statuses])}`).toBe(0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    // Acknowledged means durable, across both outages.
    const after = await openServices(config);
    try {
      const stored = new Set((await after.services.db.selectFrom('accepted_revisions').select('audit_id').execute()).map((r) => r.audit_id));
      expect([...load.acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await after.close();
    }
  }, 180_000);
});
