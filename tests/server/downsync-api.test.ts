import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rubricFingerprint } from '../../src/domain/head-office';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { loadRubric } from '../support/load';
import { getAt } from '../support/trust';
import { useBackend } from './support/backends';
import { signedInAs, signIn, type SignedIn } from './support/sessions';
import { getJson } from './support/uploads';

const kf01 = loadRubric('KF01');
const kf02 = loadRubric('KF02');

/** The headers of the signed-in admin who does everything below (session cookie and CSRF header). */
let as: Readonly<Record<string, string>> = {};

async function send(url: string, method: 'POST' | 'PUT', body: unknown, headers = as) {
  const answer = await fetch(url, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed: unknown = await answer.json();
  return { status: answer.status, body: parsed };
}

// The HTTP layer over the stores tested on both backends in downsync-store.test.ts: PGlite is enough here.
describe('down-sync over HTTP', () => {
  const backend = useBackend('PGlite');
  let server: RunningServer;
  let url: string;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    url = server.url;
    admin = await signedInAs(server, 'admin', { username: 'admin' });
    as = admin.headers;
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('an idle tablet: 304 with no body for its ETag, until something is published', async () => {
    const empty = await fetch(`${url}/api/sync`, { headers: as });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ cursor: 0, rubrics: [], sites: [], proposals: [] });
    const etag = empty.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    const idle = await fetch(`${url}/api/sync`, { headers: { ...as, 'if-none-match': etag } });
    expect(idle.status).toBe(304);
    expect(await idle.text()).toBe('');

    expect((await send(`${url}/api/rubrics`, 'POST', kf02)).status).toBe(201);
    const changed = await fetch(`${url}/api/sync`, { headers: { ...as, 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    const body: unknown = await changed.json();
    expect(getAt(body, ['rubrics', 0, 'fingerprint'])).toBe(rubricFingerprint(kf02));
    expect(getAt(body, ['rubrics', 0, 'rubric'])).toEqual(kf02);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('since: the cursor of the last answer gives only what came after it', async () => {
    const first = await getJson(`${url}/api/sync`, admin);
    const cursor = Number(getAt(first.body, ['cursor']));
    expect(cursor).toBeGreaterThan(0);
    const site = await send(`${url}/api/sites/sz-001`, 'PUT', { name: '碧桂园凤凰城管理处', region: '华南', manager: 'zhang' });
    expect([site.status, getAt(site.body, ['code']), getAt(site.body, ['siteKey'])]).toEqual([200, 'SZ-001', 'code:SZ-001']);
    const next = await getJson(`${url}/api/sync?since=${cursor}`, admin);
    expect(getAt(next.body, ['rubrics'])).toEqual([]);
    expect(getAt(next.body, ['sites', 0, 'code'])).toBe('SZ-001');
    const after = Number(getAt(next.body, ['cursor']));
    expect(after).toBeGreaterThan(cursor);
    const idle = await getJson(`${url}/api/sync?since=${after}`, admin);
    expect(idle.body).toEqual({ cursor: after, rubrics: [], sites: [], proposals: [] });
    // The same answer again for the same cursor: its ETag, then 304.
    const etag = idle.headers.get('etag') ?? '';
    expect((await fetch(`${url}/api/sync?since=${after}`, { headers: { ...as, 'if-none-match': `W/${etag}` } })).status).toBe(304);
    // A cursor from before answers in full again, with another ETag: never a 304 for a different question.
    expect((await fetch(`${url}/api/sync?since=0`, { headers: { ...as, 'if-none-match': etag } })).status).toBe(200);
  });

  it('documents the query parameters in /api/openapi.json from the schemas the handlers parse with', async () => {
    const { body } = await getJson(`${url}/api/openapi.json`, admin);
    const since = getAt(body, ['paths', '/api/sync', 'get', 'parameters', 0]);
    expect(['name', 'in', 'required'].map((key) => getAt(since, [key]))).toEqual(['since', 'query', false]);
    expect(['type', 'minimum', 'maximum'].map((key) => getAt(since, ['schema', key]))).toEqual(['integer', 0, 2147483647]);
    const ranking = getAt(body, ['paths', '/api/head-office/ranking', 'get', 'parameters']);
    expect(Array.isArray(ranking) ? ranking.map((p) => [getAt(p, ['name']), getAt(p, ['required'])]) : []).toEqual([
      ['rubricId', true],
      ['from', false],
      ['to', false],
      ['region', false],
      ['siteKey', false],
      ['auditor', false],
      ['bottomN', false],
    ]);
  });

  it('refuses a bad cursor with where and what, in Chinese', async () => {
    const bad = await getJson(`${url}/api/sync?since=-1`, admin);
    expect(bad.status).toBe(400);
    expect(getAt(bad.body, ['error', 'path'])).toBe('since');
    expect(String(getAt(bad.body, ['error', 'message']))).toMatch(/since 须为非负整数/);
  });

  it('sites and rubrics lists carry ETags too; a rubric document is fetched by fingerprint', async () => {
    const sites = await fetch(`${url}/api/sites`, { headers: as });
    const sitesBody: unknown = await sites.json();
    expect(getAt(sitesBody, ['sites', 0, 'name'])).toBe('碧桂园凤凰城管理处');
    expect((await fetch(`${url}/api/sites`, { headers: { ...as, 'if-none-match': sites.headers.get('etag') ?? '' } })).status).toBe(304);
    const list = await getJson(`${url}/api/rubrics`, admin);
    expect(getAt(list.body, ['rubrics', 0, 'rubricId'])).toBe('KF02');
    const fingerprint = rubricFingerprint(kf02);
    const doc = await fetch(`${url}/api/rubrics/${fingerprint}`, { headers: as });
    expect(await doc.json()).toEqual(kf02);
    expect(doc.headers.get('etag')).toBe(`"${fingerprint}"`);
    expect((await fetch(`${url}/api/rubrics/${fingerprint}`, { headers: { ...as, 'if-none-match': `"${fingerprint}"` } })).status).toBe(304);
    expect((await getJson(`${url}/api/rubrics/${rubricFingerprint(kf01)}`, admin)).status).toBe(404);
  });

  it('publishing: the same rubric again is 200 unchanged; a broken one is 422 with every problem', async () => {
    const again = await send(`${url}/api/rubrics`, 'POST', kf02);
    expect([again.status, getAt(again.body, ['status'])]).toEqual([200, 'unchanged']);
    const broken = await send(`${url}/api/rubrics`, 'POST', { ...kf01, version: 99 });
    expect(broken.status).toBe(422);
    expect(getAt(broken.body, ['error', 'path'])).toBe('version');
  });

  it('a site proposal from a tablet, decided by an admin, reaches the tablet in its next sync', async () => {
    const { body: before } = await getJson(`${url}/api/sync`, admin);
    const cursor = Number(getAt(before, ['cursor']));
    const id = randomUUID();
    const proposal = { id, name: '万科城管理处', region: '华南' };
    expect((await send(`${url}/api/site-proposals`, 'POST', proposal)).status).toBe(201);
    expect((await send(`${url}/api/site-proposals`, 'POST', proposal)).status).toBe(200);
    expect((await send(`${url}/api/site-proposals`, 'POST', { ...proposal, name: '别处' })).status).toBe(409);
    const pending = await getJson(`${url}/api/site-proposals`, admin);
    expect(getAt(pending.body, ['proposals', 0, 'id'])).toBe(id);
    const missing = await send(`${url}/api/site-proposals/${randomUUID()}/decision`, 'POST', { decision: 'merge', into: 'SZ-001' });
    expect(missing.status).toBe(404);
    const invalid = await send(`${url}/api/site-proposals/${id}/decision`, 'POST', { decision: 'shrug' });
    expect([invalid.status, getAt(invalid.body, ['error', 'path'])]).toEqual([400, 'decision']);
    const merged = await send(`${url}/api/site-proposals/${id}/decision`, 'POST', { decision: 'merge', into: 'sz-001' });
    expect([merged.status, getAt(merged.body, ['proposal', 'status']), getAt(merged.body, ['site', 'code'])]).toEqual([200, 'merged', 'SZ-001']);
    expect((await send(`${url}/api/site-proposals/${id}/decision`, 'POST', { decision: 'merge', into: 'SZ-001' })).status).toBe(409);
    const sync = await getJson(`${url}/api/sync?since=${cursor}`, admin);
    expect(getAt(sync.body, ['proposals', 0, 'siteCode'])).toBe('SZ-001');
    expect(getAt(sync.body, ['proposals', 0, 'status'])).toBe('merged');
    expect((await getJson(`${url}/api/site-proposals`, admin)).body).toEqual({ proposals: [] });
  });
});

describe('down-sync hands tablets the public address sheets name', () => {
  const backend = useBackend('PGlite');

  it('sends --public-url with every answer; a tablet holding the ETag from before the setting hears of it', async () => {
    const config = await backend.freshConfig();
    const before = await startServer(config, { logger: false });
    let etag: string;
    try {
      const admin = await signedInAs(before, 'admin', { username: 'admin' });
      const answer = await fetch(`${before.url}/api/sync`, { headers: admin.headers });
      expect(await answer.json()).toEqual({ cursor: 0, rubrics: [], sites: [], proposals: [] });
      etag = answer.headers.get('etag') ?? '';
    } finally {
      await before.close();
    }
    // The same data, restarted with the setting: nothing in the feed changed, but the answer did.
    const after = await startServer({ ...config, publicUrl: 'https://ducha.example.cn' }, { logger: false });
    try {
      // The same user: the tag also names who asks.
      const admin = await signIn(after.url, 'admin');
      const answer = await fetch(`${after.url}/api/sync`, { headers: { ...admin.headers, 'if-none-match': etag } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ cursor: 0, rubrics: [], sites: [], proposals: [], publicUrl: 'https://ducha.example.cn' });
      const again = await fetch(`${after.url}/api/sync`, { headers: { ...admin.headers, 'if-none-match': answer.headers.get('etag') ?? '' } });
      expect(again.status).toBe(304);
    } finally {
      await after.close();
    }
  }, 120_000);
});
