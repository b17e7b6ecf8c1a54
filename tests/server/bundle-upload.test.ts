import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, writeBundleV2, type SealSigner } from '../../src/domain/head-office';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { getAt, setAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type ApiClient, type SignedIn } from './support/sessions';
import { enrol, freshAudit, getJson, seal } from './support/uploads';

async function postBundle(client: ApiClient, bytes: Uint8Array | string, type: string) {
  const answer = await fetch(`${client.baseUrl}/api/bundles`, {
    method: 'POST',
    headers: { ...client.headers, 'content-type': type },
    body: typeof bytes === 'string' ? bytes : Buffer.from(bytes),
  });
  const body: unknown = await answer.json();
  return { status: answer.status, body };
}

const statuses = (body: unknown): unknown[] => {
  const audits = getAt(body, ['audits']);
  return Array.isArray(audits) ? audits.map((a) => getAt(a, ['status'])) : [];
};

describe.each(BACKENDS)('uploading whole .ducha bundles, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let url: string;
  let tablet: SealSigner;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    url = server.url;
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet);
    admin = await signedInAs(server, 'admin');
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('format 2 (zip): every audit stored with its images, then unchanged when sent again', async () => {
    const envelopes = [await seal(freshAudit(), tablet), await seal(freshAudit({ site: '万科城管理处' }), tablet)];
    const zip = writeBundleV2(
      envelopes.map((envelope) => ({ envelope, images: imagesOf() })),
      '2026-12-01T00:00:00.000Z',
    );
    const first = await postBundle(admin, zip, 'application/zip');
    expect(first.status).toBe(200);
    expect(statuses(first.body)).toEqual(['stored', 'stored']);
    for (const envelope of envelopes) {
      const record = await getJson(`${url}/api/audits/${envelope.payload.audit.id}`, admin);
      expect([record.status, getAt(record.body, ['status']), getAt(record.body, ['sealHash'])]).toEqual([200, 'accepted', envelope.hash]);
    }
    // The photo came inside the bundle and is served like an uploaded one.
    const [photo] = [...imagesOf().values()];
    expect((await fetch(`${url}/api/images/${sha256Hex(photo ?? new Uint8Array())}`, { headers: admin.headers })).status).toBe(200);
    expect(statuses((await postBundle(admin, zip, 'application/octet-stream')).body)).toEqual(['unchanged', 'unchanged']);
  });

  it('format 1 (JSON): a tampered audit is refused, the others still go in', async () => {
    const good = await seal(freshAudit(), tablet);
    const bad = await seal(freshAudit(), tablet);
    const tampered = setAt(bad, ['payload', 'audit', 'site', 'name'], '别的管理处');
    const entry = (envelope: unknown) => ({
      envelope,
      blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: Buffer.from(bytes).toString('base64url') })),
    });
    const v1 = JSON.stringify({ format: 'ducha.bundle', version: 1, createdAt: '2026-11-30T00:00:00.000Z', audits: [entry(tampered), entry(good)] });
    const answer = await postBundle(admin, v1, 'application/json');
    expect(answer.status).toBe(200);
    expect(statuses(answer.body)).toEqual(['refused', 'stored']);
    expect(getAt(answer.body, ['audits', 0, 'auditId'])).toBe(bad.payload.audit.id);
    expect((await getJson(`${url}/api/audits/${bad.payload.audit.id}`, admin)).status).toBe(404);
  });

  it('refuses what is not a bundle with what and where, and a wrong content type', async () => {
    const junk = await postBundle(admin, 'PK not really', 'application/zip');
    expect([junk.status, getAt(junk.body, ['error', 'code'])]).toEqual([422, 'malformed']);
    expect(String(getAt(junk.body, ['error', 'message']))).toMatch(/不是可读的 \.ducha 文件/);
    expect((await postBundle(admin, 'x', 'text/plain')).status).toBe(415);
  });

  it('an auditor’s bundle: only what their own enrolled tablet sealed goes in, like POST /api/audits', async () => {
    const auditor = await signedInAs(server, 'auditor');
    const own = await nodeSigner();
    await enrol(server.services.db, own, auditor.username, auditor.userId);
    const mine = await seal(freshAudit(), own);
    const someoneElses = await seal(freshAudit(), tablet);
    const zip = writeBundleV2(
      [mine, someoneElses].map((envelope) => ({ envelope, images: imagesOf() })),
      '2026-12-01T00:00:00.000Z',
    );
    const answer = await postBundle(auditor, zip, 'application/zip');
    expect(statuses(answer.body)).toEqual(['stored', 'refused']);
    expect(String(getAt(answer.body, ['audits', 1, 'message']))).toMatch(/not to /);
    expect((await getJson(`${url}/api/audits/${someoneElses.payload.audit.id}`, admin)).status).toBe(404);
    const site = await signedInAs(server, 'site-manager');
    expect((await postBundle(site, zip, 'application/zip')).status).toBe(403);
  });
});
