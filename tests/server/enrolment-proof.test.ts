import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId, makeDeviceKeyFile, proveEnrolment, type DeviceKeyFile, type SealSigner } from '../../src/domain/index';
import { enrolmentChallengeSchema } from '../../src/domain/wire';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { nodeSigner } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, signIn, type SignedIn } from './support/sessions';
import { call, enrolmentBody, enrolOverHttp } from './support/uploads';

async function keyFileOf(signer: SealSigner, deviceLabel: string): Promise<DeviceKeyFile> {
  const file = await makeDeviceKeyFile(signer, { deviceLabel, auditor: '王小明', createdAt: '2026-11-01T00:00:00.000Z' });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  return file.value;
}

const challengeOf = async (client: SignedIn) => enrolmentChallengeSchema.parse((await call(client, 'POST', '/api/devices/challenge')).body);
const errorOf = (answer: { status: number; body: unknown }) => [answer.status, getAt(answer.body, ['error', 'path'])];

describe.each(BACKENDS)('enrolling a tablet key proves holding it (a signed, fresh, single-use challenge), on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let wang: SignedIn;
  let zhang: SignedIn;

  const registered = async (keyId: string) =>
    (await server.services.db.selectFrom('device_keys').select('user_id').where('key_id', '=', keyId).execute()).map((r) => r.user_id);

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    wang = await signedInAs(server, 'auditor', { username: 'wang', displayName: '王小明' });
    zhang = await signedInAs(server, 'auditor', { username: 'zhang', displayName: '张三' });
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('refuses another tablet’s key file replayed without its private key (403), and enrols nothing', async () => {
    const victim = await nodeSigner();
    const victimFile = await keyFileOf(victim, '王小明的平板');
    // Zhang has the file (it is not secret) and a challenge of his own, but can sign it only with another key.
    const { nonce, userId } = await challengeOf(zhang);
    const ownKey = await nodeSigner();
    const replayed = await call(zhang, 'POST', '/api/devices', { keyFile: victimFile, proof: await proveEnrolment(ownKey, nonce, userId) });
    expect(errorOf(replayed)).toEqual([403, 'proof.signature']);
    expect(getAt(replayed.body, ['error', 'message'])).toMatch(/^登记验证码不是用此密钥签名的/);
    expect(await registered(keyId(victimFile.publicKey))).toEqual([]);
    // The victim's own tablet still enrols it afterwards: the attempt took nothing from them.
    expect((await enrolOverHttp(wang, victim, victimFile)).status).toBe(201);
  });

  it('refuses a challenge used once already, even with the same valid signature', async () => {
    const tablet = await nodeSigner();
    const body = await enrolmentBody(wang, tablet, await keyFileOf(tablet, '前台平板 2'));
    expect((await call(wang, 'POST', '/api/devices', body)).status).toBe(201);
    const again = await call(wang, 'POST', '/api/devices', body);
    expect(errorOf(again)).toEqual([403, 'proof.nonce']);
    expect(getAt(again.body, ['error', 'message'])).toMatch(/已用过/);
  });

  it('refuses an expired challenge, and one issued to another session or account', async () => {
    const tablet = await nodeSigner();
    const file = await keyFileOf(tablet, '前台平板 4');
    const stale = await enrolmentBody(wang, tablet, file);
    await server.services.db
      .updateTable('enrolment_challenges')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('nonce', '=', stale.proof.nonce)
      .execute();
    const expired = await call(wang, 'POST', '/api/devices', stale);
    expect([...errorOf(expired), getAt(expired.body, ['error', 'message'])]).toEqual([403, 'proof.nonce', expect.stringMatching(/^登记验证码已过期/)]);
    // Signed by the right key for the right account, but asked for in another session of it.
    const otherSession = await signIn(server.url, 'wang');
    const elsewhere = await call(otherSession, 'POST', '/api/devices', await enrolmentBody(wang, tablet, file));
    expect(errorOf(elsewhere)).toEqual([403, 'proof.nonce']);
    // Zhang's challenge signed for Zhang's account, sent in Wang's session: not Wang's nonce.
    const zhangs = await challengeOf(zhang);
    const crossed = await call(wang, 'POST', '/api/devices', { keyFile: file, proof: await proveEnrolment(tablet, zhangs.nonce, zhangs.userId) });
    expect(errorOf(crossed)).toEqual([403, 'proof.nonce']);
    expect(await registered(keyId(file.publicKey))).toEqual([]);
    expect((await call(wang, 'POST', '/api/devices', await enrolmentBody(wang, tablet, file))).status).toBe(201);
  });

  it('refuses a signature over another account’s message (the user id is signed too)', async () => {
    const tablet = await nodeSigner();
    const { nonce } = await challengeOf(wang);
    const answer = await call(wang, 'POST', '/api/devices', { keyFile: await keyFileOf(tablet, '前台平板 5'), proof: await proveEnrolment(tablet, nonce, zhang.userId) });
    expect(errorOf(answer)).toEqual([403, 'proof.signature']);
  });

  it('tells an app from before challenges to update (400 on path proof, not a 5xx)', async () => {
    const tablet = await nodeSigner();
    const answer = await call(wang, 'POST', '/api/devices', { keyFile: await keyFileOf(tablet, '旧版平板') });
    expect([...errorOf(answer), getAt(answer.body, ['error', 'code'])]).toEqual([400, 'proof', 'bad-request']);
    expect(getAt(answer.body, ['error', 'message'])).toMatch(/应用版本过旧.*请更新应用/);
  });
});
