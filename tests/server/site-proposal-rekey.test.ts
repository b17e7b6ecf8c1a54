import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealSigner } from '../../src/domain/index';
import { reindex } from '../../src/server/intake/reindex';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type SignedIn } from './support/sessions';
import { call, enrol, freshAudit, getJson, postAudit, putFixtureImages, seal } from './support/uploads';

const RANKING = '/api/head-office/ranking?rubricId=KF01&bottomN=0';

/** The site keys of the ranking, each with its number of audits. */
async function rankedSites(client: SignedIn): Promise<Record<string, unknown>> {
  const answer = await getJson(`${client.baseUrl}${RANKING}`, client);
  expect(answer.status).toBe(200);
  const sites = getAt(answer.body, ['ranking']);
  if (!Array.isArray(sites)) throw new Error(`no ranking in ${JSON.stringify(answer.body)}`);
  return Object.fromEntries(sites.map((s: unknown) => [String(getAt(s, ['siteKey'])), getAt(s, ['count'])]));
}

describe.each(BACKENDS)('a site proposed offline and then accepted or merged, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let auditor: SignedIn;
  let tablet: SealSigner;

  const upload = async (siteName: string) => {
    const audit = freshAudit({ site: siteName });
    const answer = await postAudit(auditor, JSON.stringify(await seal(audit, tablet)));
    expect(answer.status).toBe(201);
    return audit.id;
  };

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    admin = await signedInAs(server, 'admin');
    auditor = await signedInAs(server, 'auditor', { displayName: '王小明' });
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet, '王小明', auditor.userId);
    await putFixtureImages(auditor);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('accepting re-keys the audits already received, and ranks later ones under the new site too', async () => {
    const before = await upload('翠苑新盘管理处');
    expect(await rankedSites(admin)).toMatchObject({ 'name:翠苑新盘管理处': 1 });

    const proposalId = randomUUID();
    expect((await call(auditor, 'POST', '/api/site-proposals', { id: proposalId, name: '翠苑新盘管理处', region: '华南' })).status).toBe(201);
    const decided = await call(admin, 'POST', `/api/site-proposals/${proposalId}/decision`, { decision: 'accept', code: 'cy-01' });
    expect(decided.status).toBe(200);

    const ranked = await rankedSites(admin);
    expect(ranked['name:翠苑新盘管理处']).toBeUndefined();
    expect(ranked['code:CY-01']).toBe(1);
    const record = await getJson(`${server.url}/api/audits/${before}`, admin);
    expect(getAt(record.body, ['facts', 'siteKey'])).toBe('code:CY-01');
    // The sealed envelope itself is untouched: it still names the site as the auditor wrote it.
    const envelope = await getJson(`${server.url}/api/audits/${before}/envelope`, admin);
    expect(getAt(envelope.body, ['payload', 'audit', 'site', 'name'])).toBe('翠苑新盘管理处');

    // A tablet that sealed more under the old name before it heard of the decision.
    await upload('翠苑新盘管理处');
    expect(await rankedSites(admin)).toMatchObject({ 'code:CY-01': 2 });
    expect((await rankedSites(admin))['name:翠苑新盘管理处']).toBeUndefined();

    // The site's manager reads them: their account is given code:CY-01, not the name.
    const manager = await signedInAs(server, 'site-manager', { siteKeys: ['code:CY-01'] });
    expect((await getJson(`${server.url}/api/audits/${before}`, manager)).status).toBe(200);
  });

  it('merging into a site already here ranks the proposed site’s audits under that site', async () => {
    expect((await call(admin, 'PUT', '/api/sites/SZ-009', { name: '碧桂园凤凰城管理处', region: '华南' })).status).toBe(200);
    await upload('凤凰城(临时)');
    const proposalId = randomUUID();
    expect((await call(auditor, 'POST', '/api/site-proposals', { id: proposalId, name: '凤凰城(临时)' })).status).toBe(201);
    expect((await call(admin, 'POST', `/api/site-proposals/${proposalId}/decision`, { decision: 'merge', into: 'sz-009' })).status).toBe(200);
    const ranked = await rankedSites(admin);
    expect(ranked['name:凤凰城(临时)']).toBeUndefined();
    expect(ranked['code:SZ-009']).toBe(1);
  });

  it('a name nobody proposed keeps its own key', async () => {
    await upload('无人提议的管理处');
    expect(await rankedSites(admin)).toMatchObject({ 'name:无人提议的管理处': 1 });
  });

  it('reindex rebuilds the re-keyed rows the same way', async () => {
    const ranked = await rankedSites(admin);
    const rebuilt = await reindex(server.services);
    expect(rebuilt.damaged).toEqual([]);
    expect(await rankedSites(admin)).toEqual(ranked);
  });
});
