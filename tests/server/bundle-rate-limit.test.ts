import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundleV2, type SealedEnvelope, type SealSigner } from '../../src/domain/head-office';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type ApiClient, type SignedIn } from './support/sessions';
import { call, enrol, freshAudit, postAudit, putFixtureImages, seal } from './support/uploads';

const PER_MINUTE = 3;

async function postBundle(client: ApiClient, body: Uint8Array | string, type: string) {
  const response = await fetch(`${client.baseUrl}/api/bundles`, {
    method: 'POST',
    headers: { ...client.headers, 'content-type': type },
    body: typeof body === 'string' ? body : Buffer.from(body),
  });
  const json: unknown = await response.json();
  const audits = getAt(json, ['audits']);
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    code: getAt(json, ['error', 'code']),
    message: String(getAt(json, ['error', 'message'])),
    statuses: Array.isArray(audits) ? audits.map((a) => getAt(a, ['status'])) : [],
  };
}

const zipOf = (envelopes: readonly SealedEnvelope[]) =>
  writeBundleV2(
    envelopes.map((envelope) => ({ envelope, images: imagesOf() })),
    '2026-12-01T00:00:00.000Z',
  );

/** Format 1: the same audits as JSON, images inline. */
const jsonOf = (envelopes: readonly SealedEnvelope[]) =>
  JSON.stringify({
    format: 'ducha.bundle',
    version: 1,
    createdAt: '2026-12-01T00:00:00.000Z',
    audits: envelopes.map((envelope) => ({
      envelope,
      blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: Buffer.from(bytes).toString('base64url') })),
    })),
  });

describe.each(BACKENDS)('bundles count every audit they offer against the per-account upload limit, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let auditor: SignedIn;
  let tablet: SealSigner;

  const sealed = async (n: number) => Promise.all(Array.from({ length: n }, async () => seal(freshAudit(), tablet)));
  /** What the server holds of these audits, as an admin reads them: 200 or 404 each. */
  const held = async (envelopes: readonly SealedEnvelope[]) =>
    Promise.all(envelopes.map(async (e) => (await call(admin, 'GET', `/api/audits/${e.payload.audit.id}`)).status));

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig({ uploadsPerMinute: PER_MINUTE }), { logger: false });
    admin = await signedInAs(server, 'admin');
    auditor = await signedInAs(server, 'auditor');
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet, auditor.username, auditor.userId);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  // One account's minute, step by step: the steps share the limiter's count, so they run in this order.
  it('1. a bundle offering more audits than a minute allows is refused whole (413, split it) and uses none of the allowance', async () => {
    const four = await sealed(4);
    const answer = await postBundle(auditor, zipOf(four), 'application/zip');
    expect([answer.status, answer.code]).toEqual([413, 'too-large']);
    expect(answer.message).toMatch(/含 4 份考核，超过本服务器每个账号每分钟接收的 3 份，一份也未接收/);
    expect(await held(four)).toEqual([404, 404, 404, 404]);
  });

  it('2. a bundle that fits is taken in, and counts each of its audits', async () => {
    const two = await sealed(2);
    const answer = await postBundle(auditor, zipOf(two), 'application/zip');
    expect([answer.status, answer.statuses]).toEqual([200, ['stored', 'stored']]);
  });

  it('3. a bundle that no longer fits this minute is refused whole with 429 and Retry-After, before any audit is read, and logged', async () => {
    const two = await sealed(2);
    // Format 1 counted the same way; one slot is left of three, two are offered.
    const answer = await postBundle(auditor, jsonOf(two), 'application/json');
    expect([answer.status, answer.code, answer.statuses]).toEqual([429, 'rate-limited', []]);
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
    expect(answer.message).toMatch(/此文件的 2 份考核一份也未接收/);
    expect(await held(two)).toEqual([404, 404]);
    const log = await call(admin, 'GET', '/api/audit-log?action=upload-throttled');
    expect(getAt(log.body, ['entries', 0])).toMatchObject({ actorUsername: auditor.username, detail: { bundleAudits: 2 } });
  });

  it('4. single uploads and bundles share one count: the last slot goes to one audit, the next is refused', async () => {
    await putFixtureImages(auditor);
    const [one, two] = await sealed(2);
    expect((await postAudit(auditor, one)).status).toBe(201);
    const over = await postAudit(auditor, two);
    expect([over.status, getAt(over.body, ['error', 'code'])]).toEqual([429, 'rate-limited']);
    // Another account's minute is its own.
    const other = await signedInAs(server, 'auditor');
    const otherTablet = await nodeSigner();
    await enrol(server.services.db, otherTablet, other.username, other.userId);
    const theirs = await postBundle(other, zipOf([await seal(freshAudit(), otherTablet)]), 'application/zip');
    expect([theirs.status, theirs.statuses]).toEqual([200, ['stored']]);
  });
});
