import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex, verifyEnvelope, type SealedEnvelope, type SealSigner } from '../../src/domain/index';
import { nodeVerifier } from '../../src/crypto/node-verifier';
import type { ServerConfig } from '../../src/server/config';
import { reindex } from '../../src/server/intake/reindex';
import { openServices } from '../../src/server/open-services';
import { receiptSchema } from '../../src/server/store/receipts';
import { getAt } from '../support/trust';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { killStrayServers, spawnServer, type ChildServer } from './support/child-server';
import { addUser, signIn, type ApiClient } from './support/sessions';
import { enrol, freshAudit, getJson, postAudit, putFixtureImages, seal } from './support/uploads';

const UPLOADS_PER_ROUND = 30;
const ROUNDS = 3;

/** A small seeded generator: the seed is in every failure message, so a failing run can be repeated. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/** What the child server needs that only head office can do: an auditor's account, their tablet's key enrolled to it (server stopped). */
async function enrolWhileStopped(config: ServerConfig, tablet: SealSigner): Promise<string> {
  const opened = await openServices(config);
  try {
    const auditor = await addUser(opened.services.db, 'auditor', { displayName: '王小明' });
    await enrol(opened.services.db, tablet, '王小明', auditor.userId);
    return auditor.username;
  } finally {
    await opened.close();
  }
}

const serverArgs = (config: ServerConfig) => ['--data-dir', config.dataDir, '--dist-dir', config.distDir, '--log-level', 'warn'];
const serverEnv = (config: ServerConfig): Record<string, string> => (config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {});

/**
 * Sends every envelope at once and SIGKILLs the server the moment the `killAfter`-th acknowledgement arrives,
 * while the others are anywhere between the request and the commit. Returns what was acknowledged.
 */
async function uploadAndKill(server: ChildServer, client: ApiClient, envelopes: readonly string[], killAfter: number): Promise<Set<number>> {
  const acknowledged = new Set<number>();
  const statuses: (number | string)[] = [];
  await Promise.allSettled(
    envelopes.map(async (body, index) => {
      try {
        const answer = await postAudit(client, body);
        statuses[index] = answer.status;
        if (answer.status >= 200 && answer.status < 300) {
          acknowledged.add(index);
          if (acknowledged.size === killAfter) server.child.kill('SIGKILL');
        }
      } catch {
        statuses[index] = 'cut off';
      }
    }),
  );
  // Fewer acknowledgements than planned: something refused the uploads. Stop the server and say what happened.
  if (acknowledged.size < killAfter) server.child.kill('SIGKILL');
  expect(acknowledged.size, `answers: ${statuses.join(', ')}\n${server.output()}`).toBeGreaterThanOrEqual(killAfter);
  const { signal } = await server.exited;
  expect(signal).toBe('SIGKILL');
  return acknowledged;
}

afterAll(killStrayServers);

describe.each(BACKENDS)('kill -9 while uploading, on %s: every acknowledged audit survives', (backendName) => {
  const backend = useBackend(backendName);

  it('keeps every 2xx-acknowledged audit whole and verifiable across SIGKILLs, and nothing half-written', async () => {
    const seed = Date.now();
    const random = randomFrom(seed);
    const context = `seed ${seed}`;
    const config = await backend.freshConfig();
    const tablet = await nodeSigner();
    const username = await enrolWhileStopped(config, tablet);

    const sent: { body: string; envelope: SealedEnvelope }[] = [];
    const acknowledged: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const server = await spawnServer(serverArgs(config), serverEnv(config));
      // Sessions live in the database: each restart signs in afresh only to prove nothing else is needed.
      const auditor = await signIn(server.url, username);
      if (round === 0) await putFixtureImages(auditor);
      const offset = sent.length;
      for (let i = 0; i < UPLOADS_PER_ROUND; i++) {
        const envelope = await seal(freshAudit({ site: `管理处 ${round}-${i}` }), tablet);
        sent.push({ body: JSON.stringify(envelope), envelope });
      }
      const killAfter = 1 + Math.floor(random() * (UPLOADS_PER_ROUND - 1));
      const acked = await uploadAndKill(server, auditor, sent.slice(offset).map((s) => s.body), killAfter);
      for (const index of acked) acknowledged.push(offset + index);
    }

    // Some uploads were cut off by the kill (otherwise this proved nothing about a crash mid-upload).
    expect(acknowledged.length, context).toBeLessThan(sent.length);

    // Restarted on the same data dir: the dead server's lock is taken over, crash leftovers swept.
    const server = await spawnServer(serverArgs(config), serverEnv(config));
    const auditor = await signIn(server.url, username);
    for (const index of acknowledged) {
      const { body, envelope } = sent[index] ?? { body: '', envelope: undefined };
      const id = envelope?.payload.audit.id ?? '';
      const record = await getJson(`${server.url}/api/audits/${id}`, auditor);
      expect([record.status, getAt(record.body, ['status']), getAt(record.body, ['sealHash'])], `${context}: audit ${index}`).toEqual([
        200,
        'accepted',
        envelope?.hash,
      ]);
      const stored = await (await fetch(`${server.url}/api/audits/${id}/envelope`, { headers: auditor.headers })).text();
      expect(stored, context).toBe(body);
      const check = await verifyEnvelope(JSON.parse(stored), nodeVerifier, imagesOf());
      expect(check.status, context).toBe('valid');
    }
    // The client retries what got no answer: each is stored exactly once, the acknowledged ones unchanged.
    const retried = await Promise.all(sent.map((s) => postAudit(auditor, s.body)));
    const statuses = retried.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 201), `${context}: ${statuses.join(',')}`).toBe(true);
    for (const index of acknowledged) expect(statuses[index], context).toBe(200);

    server.child.kill('SIGTERM');
    expect(await server.exited, `${context}\n${server.output()}`).toEqual({ code: 0, signal: null });
    expect(existsSync(join(config.dataDir, 'ducha.lock')), context).toBe(false);

    // Nothing half-written: no temporary file, every blob holds the bytes its name says, every receipt whole.
    expect(readdirSync(join(config.dataDir, 'tmp')), context).toEqual([]);
    for (const file of filesUnder(join(config.dataDir, 'blobs')))
      expect(sha256Hex(new Uint8Array(readFileSync(file))), `${context}: ${file}`).toBe(basename(file));
    const receiptFiles = filesUnder(join(config.dataDir, 'receipts'));
    for (const file of receiptFiles) expect(receiptSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))).success, file).toBe(true);

    // The database agrees with the blob store, and rebuilding it from the blobs gives the same audits.
    const opened = await openServices(config);
    try {
      const { db, blobs } = opened.services;
      const rows = await db.selectFrom('accepted_revisions').select(['audit_id', 'seal_hash', 'envelope_sha256']).orderBy('audit_id').execute();
      expect(rows.map((r) => r.audit_id).sort(), context).toEqual(sent.map((s) => s.envelope.payload.audit.id).sort());
      for (const row of rows) {
        const bytes = await blobs.read(row.envelope_sha256);
        expect(getAt(JSON.parse(new TextDecoder().decode(bytes)), ['hash']), context).toBe(row.seal_hash);
      }
      expect(await db.selectFrom('held_entries').selectAll().execute(), context).toEqual([]);
      expect(await db.selectFrom('conflicts').selectAll().execute(), context).toEqual([]);
      const report = await reindex(opened.services);
      expect([report.accepted, report.held, report.conflicts, report.damaged], context).toEqual([sent.length, 0, 0, []]);
      const rebuilt = await db.selectFrom('accepted_revisions').select(['audit_id', 'seal_hash', 'envelope_sha256']).orderBy('audit_id').execute();
      expect(rebuilt, context).toEqual(rows);
    } finally {
      await opened.close();
    }
  }, 240_000);
});
