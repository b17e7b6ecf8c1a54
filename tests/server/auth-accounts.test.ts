import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeDeviceKeyFile, shortKeyId, type SealSigner } from '../../src/domain/index';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { nodeSigner } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, signIn, TEST_PASSWORD, type SignedIn } from './support/sessions';
import { call, enrolmentBody, enrolOverHttp, freshAudit, postAudit, putFixtureImages, seal } from './support/uploads';

async function keyFileOf(signer: SealSigner, deviceLabel: string) {
  const file = await makeDeviceKeyFile(signer, { deviceLabel, auditor: '平板上填的名字', createdAt: '2026-11-01T00:00:00.000Z' });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  return file.value;
}

const auditLog = async (admin: SignedIn, action: string) => {
  const answer = await call(admin, 'GET', `/api/audit-log?action=${action}`);
  expect(answer.status).toBe(200);
  return z.array(z.unknown()).parse(getAt(answer.body, ['entries']));
};

describe.each(BACKENDS)('accounts, enrolled tablets and refused uploads, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let wang: SignedIn;
  let zhang: SignedIn;
  let wangTablet: SealSigner;
  let wangKeyId = '';

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig({ uploadsPerMinute: 4 }), { logger: false });
    admin = await signedInAs(server, 'admin', { username: 'hq.admin' });
    wang = await signedInAs(server, 'auditor', { username: 'wang', displayName: '王小明' });
    zhang = await signedInAs(server, 'auditor', { username: 'zhang', displayName: '张三' });
    wangTablet = await nodeSigner();
    await putFixtureImages(wang);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('enrols a tablet key to the auditor who signs in on it, once; nobody else can take it', async () => {
    const keyFile = await keyFileOf(wangTablet, '前台平板 3');
    const enrolled = await enrolOverHttp(wang, wangTablet, keyFile);
    expect(enrolled.status).toBe(201);
    expect([getAt(enrolled.body, ['username']), getAt(enrolled.body, ['auditor']), getAt(enrolled.body, ['deviceLabel'])]).toEqual([
      'wang',
      '王小明',
      '前台平板 3',
    ]);
    const keyId = String(getAt(enrolled.body, ['keyId']));
    wangKeyId = keyId;
    expect(getAt(enrolled.body, ['fingerprint'])).toBe(shortKeyId(keyId));
    expect((await enrolOverHttp(wang, wangTablet, keyFile)).status).toBe(200);
    // The same tablet signed in as another account (it holds the key): still wang's until an admin revokes it.
    const stolen = await enrolOverHttp(zhang, wangTablet, keyFile);
    expect([stolen.status, getAt(stolen.body, ['error', 'message'])]).toEqual([409, expect.stringMatching(/already enrolled to wang/)]);
    // A key file changed on the way (another auditor's name swapped in) no longer verifies.
    const forged = await call(zhang, 'POST', '/api/devices', await enrolmentBody(zhang, wangTablet, { ...keyFile, deviceLabel: '张三的平板' }));
    expect([forged.status, getAt(forged.body, ['error', 'path'])]).toEqual([400, 'keyFile.signature']);
    const register = await call(admin, 'GET', '/api/devices');
    expect(getAt(register.body, ['devices'])).toEqual([expect.objectContaining({ keyId, username: 'wang', revokedAt: null })]);
  });

  it('refuses an audit sealed by auditor A’s tablet when auditor B uploads it (403, naming the key and whose it is), and logs it', async () => {
    const envelope = await seal(freshAudit(), wangTablet);
    const byZhang = await postAudit(zhang, envelope);
    expect(byZhang.status).toBe(403);
    expect(getAt(byZhang.body, ['error', 'code'])).toBe('key-not-enrolled');
    const fingerprint = wangKeyId.slice(0, 16);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(getAt(byZhang.body, ['error', 'message'])).toMatch(
      new RegExp(`sealed by key ${fingerprint}…, enrolled to wang \\(王小明, 前台平板 3\\), not to zhang`),
    );
    // Nothing of it was kept: the right auditor's upload is the first the server knows of it.
    expect((await call(admin, 'GET', `/api/audits/${envelope.payload.audit.id}`)).status).toBe(404);
    expect((await postAudit(wang, envelope)).status).toBe(201);
    const refused = await auditLog(admin, 'upload-refused');
    expect(refused[0]).toMatchObject({ actorUsername: 'zhang', target: envelope.payload.audit.id, detail: { outcome: 'key-not-enrolled' } });
  });

  it('refuses an auditor’s upload sealed by a key enrolled to nobody, and one enrolled by hand to no account', async () => {
    const stranger = await nodeSigner();
    const answer = await postAudit(wang, await seal(freshAudit(), stranger));
    expect([answer.status, getAt(answer.body, ['error', 'message'])]).toEqual([403, expect.stringMatching(/not enrolled to wang: sign in on that tablet/)]);
  });

  it('lets an admin revoke a tablet key: what it seals afterwards is refused, and the revocation is logged', async () => {
    const lost = await nodeSigner();
    const enrolled = await enrolOverHttp(wang, lost, await keyFileOf(lost, '遗失的平板'));
    const keyId = String(getAt(enrolled.body, ['keyId']));
    const revoked = await call(admin, 'POST', `/api/devices/${keyId}/revoke`, { reason: '平板遗失' });
    expect([revoked.status, getAt(revoked.body, ['revokedReason'])]).toEqual([200, '平板遗失']);
    expect((await call(admin, 'POST', `/api/devices/${keyId}/revoke`, {})).status).toBe(409);
    expect((await call(admin, 'POST', `/api/devices/${'f'.repeat(64)}/revoke`, {})).status).toBe(404);
    const after = await postAudit(wang, await seal(freshAudit(), lost, { sealedAt: new Date(Date.now() + 60_000).toISOString() }));
    expect([after.status, getAt(after.body, ['error', 'code'])]).toEqual([422, 'revoked-key']);
    // A revoked key is never enrolled again, not even by its auditor.
    expect((await enrolOverHttp(wang, lost, await keyFileOf(lost, '遗失的平板'))).status).toBe(409);
    expect(await auditLog(admin, 'device-revoked')).toEqual([expect.objectContaining({ actorUsername: 'hq.admin', target: keyId })]);
  });

  it('manages accounts: create, duplicate refused, sites only for site managers, reset and disable sign the user out', async () => {
    const created = await call(admin, 'POST', '/api/users', {
      username: 'li.manager',
      displayName: '李经理',
      role: 'site-manager',
      password: TEST_PASSWORD,
      siteKeys: ['site:碧桂园凤凰城管理处'],
    });
    expect(created.status).toBe(201);
    const id = Number(getAt(created.body, ['id']));
    expect(getAt(created.body, ['siteKeys'])).toEqual(['site:碧桂园凤凰城管理处']);
    const duplicate = await call(admin, 'POST', '/api/users', { username: 'LI.MANAGER', displayName: 'x', role: 'auditor', password: TEST_PASSWORD });
    expect([duplicate.status, getAt(duplicate.body, ['error', 'message'])]).toEqual([409, 'username: the username LI.MANAGER is taken']);
    const short = await call(admin, 'POST', '/api/users', { username: 'x', displayName: 'x', role: 'auditor', password: 'short' });
    expect([short.status, getAt(short.body, ['error', 'path'])]).toEqual([400, 'password']);
    const sites = await call(admin, 'PUT', `/api/users/${id}/sites`, { siteKeys: ['site:A', 'site:B'] });
    expect(getAt(sites.body, ['siteKeys'])).toEqual(['site:A', 'site:B']);
    const notManager = await call(admin, 'PUT', `/api/users/${wang.userId}/sites`, { siteKeys: ['site:A'] });
    expect([notManager.status, getAt(notManager.body, ['error', 'path'])]).toEqual([400, 'siteKeys']);

    const manager = await signIn(server.url, 'li.manager');
    expect(getAt((await call(manager, 'GET', '/api/session')).body, ['siteKeys'])).toEqual(['site:A', 'site:B']);
    const reset = await call(admin, 'POST', `/api/users/${id}/password`, { password: 'a brand new password' });
    expect(reset.status).toBe(200);
    expect((await call(manager, 'GET', '/api/session')).status).toBe(401);
    await expect(signIn(server.url, 'li.manager')).rejects.toThrow(/401/);
    const again = await signIn(server.url, 'li.manager', 'a brand new password');
    const disabled = await call(admin, 'POST', `/api/users/${id}/disable`);
    expect(getAt(disabled.body, ['disabledAt'])).toEqual(expect.any(String));
    expect((await call(again, 'GET', '/api/session')).status).toBe(401);
    await expect(signIn(server.url, 'li.manager', 'a brand new password')).rejects.toThrow(/401/);
    expect((await call(admin, 'POST', `/api/users/${admin.userId}/disable`)).status).toBe(400);
    expect((await call(admin, 'POST', '/api/users/99999/disable')).status).toBe(404);

    const actions = (await auditLog(admin, 'user-created')).map((e: unknown) => getAt(e, ['target']));
    expect(actions).toContain('li.manager');
    expect((await auditLog(admin, 'user-disabled')).map((e: unknown) => getAt(e, ['target']))).toEqual(['li.manager']);
  });

  it('answers 429 with Retry-After once an account has sent more audits this minute than the server takes (4 here)', async () => {
    const busy = await signedInAs(server, 'auditor', { username: 'busy' });
    // Busy's own uploads name images busy must have sent: another account's upload of them no longer counts.
    await putFixtureImages(busy);
    const tablet = await nodeSigner();
    expect((await enrolOverHttp(busy, tablet, await keyFileOf(tablet, '平板 5'))).status).toBe(201);
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 5; i++) {
      const answer = await postAudit(busy, await seal(freshAudit(), tablet));
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get('retry-after') ?? '';
    }
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    // Another account is not held up by it.
    expect((await postAudit(wang, await seal(freshAudit(), wangTablet))).status).toBe(201);
  }, 60_000);
});
