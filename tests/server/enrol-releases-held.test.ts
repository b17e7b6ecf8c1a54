import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { nodeSigner } from '../support/sealed-audit';
import { keyFileOf } from './support/head-office-audits';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type SignedIn } from './support/sessions';
import { enrolOverHttp, freshAudit, getJson, postAudit, putFixtureImages, seal } from './support/uploads';

describe.each(BACKENDS)('a tablet enrolling its key over HTTP takes in what its key sealed and was held, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    admin = await signedInAs(server, 'admin');
    await putFixtureImages(admin);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('held 待确认 while the key is unknown; accepted and ranked once its auditor enrols it with POST /api/devices', async () => {
    const tablet = await nodeSigner();
    // Head office forwards the tablet's audit before the tablet ever signed in: the server cannot name its signer.
    const envelope = await seal(freshAudit({ site: '万科·喆园管理处' }), tablet);
    const auditId = envelope.payload.audit.id;
    const held = await postAudit(admin, envelope);
    expect([held.status, getAt(held.body, ['reason'])]).toEqual([202, 'unknown-key']);
    expect(getAt((await getJson(`${server.url}/api/audits/${auditId}`, admin)).body, ['status'])).toBe('held');

    const auditor = await signedInAs(server, 'auditor', { displayName: '王小明' });
    const enrolled = await enrolOverHttp(auditor, tablet, await keyFileOf(tablet, '前台平板 1', '王小明'));
    expect(enrolled.status).toBe(201);

    // No upload in between: the enrolment alone is what takes it in.
    expect(getAt((await getJson(`${server.url}/api/audits/${auditId}`, admin)).body, ['status'])).toBe('accepted');
    const queue = await getJson(`${server.url}/api/head-office/held`, admin);
    expect(getAt(queue.body, ['held'])).toEqual([]);
    const ranking = await getJson(`${server.url}/api/head-office/ranking?rubricId=KF01`, admin);
    // kf01-mixed (freshAudit's grades): 63 / 95 = 66.3 %, one audit.
    expect(getAt(ranking.body, ['ranking', 0, 'siteName'])).toBe('万科·喆园管理处');
    expect(getAt(ranking.body, ['ranking', 0, 'count'])).toBe(1);
    expect(getAt(ranking.body, ['ranking', 0, 'averagePercentTenths'])).toBe(663);
  });
});
