import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeVerifier } from '../../src/crypto/node-verifier';
import { canonicalJson, makeDeviceKeyFile, readDeviceKeyFile, rubricFingerprint, sha256Hex, type Rubric, type SealSigner } from '../../src/domain/index';
import { reconsiderHeldAudits } from '../../src/server/intake/reconsider-held';
import { acceptRubric, enrolDeviceKey, keyRegister, revokeDeviceKey } from '../../src/server/intake/key-register-store';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt, setAt } from '../support/trust';
import { imagesOf, nodeSigner, photoRed } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type SignedIn } from './support/sessions';
import { enrol, freshAudit, getJson, kf01, postAudit, putFixtureImages, putImage, revisionTwo, seal } from './support/uploads';

/** Every file under a folder, recursively: what a request wrote, or did not. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

describe.each(BACKENDS)('uploading sealed audits over HTTP, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let url: string;
  // Uploads as an admin, who may forward any audit: these tests are about intake's rules, not who sends.
  let admin: SignedIn;
  let tablet: SealSigner;
  let dataDir: string;
  const durableFiles = () => [...filesUnder(join(dataDir, 'blobs')), ...filesUnder(join(dataDir, 'receipts'))];

  beforeAll(async () => {
    const config = await backend.freshConfig();
    dataDir = config.dataDir;
    server = await startServer(config, { logger: false });
    url = server.url;
    admin = await signedInAs(server, 'admin');
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet);
    await putFixtureImages(admin);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('stores a sealed audit by an enrolled key (201) and gives it back byte for byte', async () => {
    const audit = freshAudit();
    const envelope = await seal(audit, tablet);
    const sent = JSON.stringify(envelope, null, 1);
    const answer = await postAudit(admin, sent);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ status: 'stored', auditId: audit.id, revision: 1, sealHash: envelope.hash, released: [] });
    const record = await getJson(`${url}/api/audits/${audit.id}`, admin);
    expect(record.status).toBe(200);
    expect(getAt(record.body, ['status'])).toBe('accepted');
    expect(getAt(record.body, ['sealHash'])).toBe(envelope.hash);
    // kf01-mixed: the facts are the seal's own integer score.
    expect(getAt(record.body, ['facts', 'earnedH'])).toBe(envelope.payload.score.earnedH);
    expect(getAt(record.body, ['facts', 'possibleH'])).toBe(envelope.payload.score.possibleH);
    expect(getAt(record.body, ['envelopeSha256'])).toBe(sha256Hex(new TextEncoder().encode(sent)));
    const back = await fetch(`${url}/api/audits/${audit.id}/envelope`, { headers: admin.headers });
    expect(await back.text()).toBe(sent);
    const row = await server.services.db.selectFrom('accepted_revisions').selectAll().where('audit_id', '=', audit.id).executeTakeFirstOrThrow();
    expect([row.signer, row.earned_h, row.possible_h, row.percent_tenths, row.site_name]).toEqual([
      getAt(record.body, ['signer']),
      envelope.payload.score.earnedH,
      envelope.payload.score.possibleH,
      envelope.payload.score.percentTenths,
      '碧桂园凤凰城管理处',
    ]);
  });

  it('answers the same seal again with 200 and writes nothing, whatever its whitespace', async () => {
    const envelope = await seal(freshAudit(), tablet);
    expect((await postAudit(admin, envelope)).status).toBe(201);
    const before = durableFiles();
    for (const body of [JSON.stringify(envelope), JSON.stringify(envelope, null, 2), canonicalJson(envelope)]) {
      const again = await postAudit(admin, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 'unchanged', auditId: envelope.payload.audit.id, sealHash: envelope.hash });
    }
    expect(durableFiles()).toEqual(before);
  });

  it('refuses another seal of a stored audit with 409, records the conflict and keeps the first', async () => {
    const audit = freshAudit();
    const first = await seal(audit, tablet);
    expect((await postAudit(admin, first)).status).toBe(201);
    const second = await seal({ ...audit, answers: audit.answers.map((a, i) => (i === 0 ? { ...a, note: '改过的备注' } : a)) }, tablet);
    const answer = await postAudit(admin, second);
    expect(answer.status).toBe(409);
    expect(getAt(answer.body, ['error', 'code'])).toBe('conflict');
    expect(getAt(answer.body, ['error', 'incomingHash'])).toBe(second.hash);
    expect(getAt(answer.body, ['error', 'existing', 'hash'])).toBe(first.hash);
    const conflicts = await server.services.db.selectFrom('conflicts').selectAll().where('audit_id', '=', audit.id).execute();
    expect(conflicts.map((c) => [c.incoming_hash, c.incoming_envelope_sha256])).toEqual([
      [second.hash, sha256Hex(new TextEncoder().encode(JSON.stringify(second)))],
    ]);
    expect(getAt((await getJson(`${url}/api/audits/${audit.id}`, admin)).body, ['sealHash'])).toBe(first.hash);
  });

  it('holds an audit sealed by a key nobody enrolled (202), and takes it in once the key is enrolled', async () => {
    const stranger = await nodeSigner();
    const envelope = await seal(freshAudit(), stranger);
    const answer = await postAudit(admin, envelope);
    expect(answer.status).toBe(202);
    expect(getAt(answer.body, ['status'])).toBe('held');
    expect(getAt(answer.body, ['reason'])).toBe('unknown-key');
    expect(getAt((await getJson(`${url}/api/audits/${envelope.payload.audit.id}`, admin)).body, ['status'])).toBe('held');
    // The same held seal again: still held, nothing new written.
    const before = durableFiles();
    expect((await postAudit(admin, envelope)).status).toBe(202);
    expect(durableFiles()).toEqual(before);

    await enrol(server.services.db, stranger, '张三');
    const report = await reconsiderHeldAudits(server.services);
    expect(report.accepted.map((a) => a.auditId)).toContain(envelope.payload.audit.id);
    expect(getAt((await getJson(`${url}/api/audits/${envelope.payload.audit.id}`, admin)).body, ['status'])).toBe('accepted');
  });

  it('decides concurrent uploads of one audit one after the other: one stored, its twin unchanged, the rest conflicts', async () => {
    const audit = freshAudit();
    const seals = await Promise.all(
      [0, 1, 2, 3].map((n) => seal({ ...audit, answers: audit.answers.map((a, i) => (i === 0 ? { ...a, note: `版本 ${n}` } : a)) }, tablet)),
    );
    // Each seal twice, all at once.
    const answers = await Promise.all([...seals, ...seals].map((envelope) => postAudit(admin, envelope)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 201, 409, 409, 409, 409, 409, 409]);
    const winner = answers.find((a) => a.status === 201);
    const stored = getAt((await getJson(`${url}/api/audits/${audit.id}`, admin)).body, ['sealHash']);
    expect(stored).toBe(getAt(winner?.body, ['sealHash']));
    const conflicts = await server.services.db.selectFrom('conflicts').select('incoming_hash').where('audit_id', '=', audit.id).execute();
    expect(conflicts).toHaveLength(6);
    expect(conflicts.every((c) => c.incoming_hash !== stored)).toBe(true);
  });

  it('takes in revisions 1 and 2 sent at the same moment, whichever is decided first', async () => {
    const lineages = await Promise.all(
      [0, 1, 2, 3, 4].map(async () => {
        const first = freshAudit();
        const sealedFirst = await seal(first, tablet);
        return [sealedFirst, await seal(revisionTwo(first), tablet, { previousHash: sealedFirst.hash })];
      }),
    );
    const answers = await Promise.all(lineages.flat().map((envelope) => postAudit(admin, envelope)));
    expect(answers.every((a) => a.status === 201 || a.status === 202)).toBe(true);
    for (const envelope of lineages.flat()) {
      const record = await getJson(`${url}/api/audits/${envelope.payload.audit.id}`, admin);
      expect([getAt(record.body, ['status']), getAt(record.body, ['sealHash'])]).toEqual(['accepted', envelope.hash]);
    }
  });

  it('holds an audit scored against a rubric version head office does not know, until that version is accepted', async () => {
    const local: Rubric = { ...kf01, title: `${kf01.title}（本地修订）` };
    const envelope = await seal(freshAudit({ rubric: local }), tablet, { rubric: local });
    const answer = await postAudit(admin, envelope);
    expect([answer.status, getAt(answer.body, ['reason'])]).toEqual([202, 'unknown-rubric']);
    expect(await acceptRubric(server.services.db, rubricFingerprint(kf01), 'KF01', '2026-11-25T00:00:00.000Z')).toBe(false);
    expect(await acceptRubric(server.services.db, rubricFingerprint(local), 'KF01', '2026-11-25T00:00:00.000Z')).toBe(true);
    expect(await acceptRubric(server.services.db, rubricFingerprint(local), 'KF01', '2026-11-26T00:00:00.000Z')).toBe(false);
    const report = await reconsiderHeldAudits(server.services);
    expect(report.accepted.map((a) => a.auditId)).toContain(envelope.payload.audit.id);
    const record = await getJson(`${url}/api/audits/${envelope.payload.audit.id}`, admin);
    expect([getAt(record.body, ['status']), getAt(record.body, ['facts', 'rubricFingerprint'])]).toEqual(['accepted', rubricFingerprint(local)]);
  });

  it('accepts revision 2 chained to revision 1, and refuses a forged revision 2 with 409', async () => {
    const first = freshAudit();
    const sealedFirst = await seal(first, tablet);
    expect((await postAudit(admin, sealedFirst)).status).toBe(201);
    const forged = await seal(revisionTwo(first), tablet, { previousHash: 'f'.repeat(64) });
    const refused = await postAudit(admin, forged);
    expect(refused.status).toBe(409);
    expect(getAt(refused.body, ['error', 'existing', 'hash'])).toBe(sealedFirst.hash);
    expect(getAt(refused.body, ['error', 'message'])).toMatch(/does not continue the revision 1/);
    const second = await seal(revisionTwo(first), tablet, { previousHash: sealedFirst.hash });
    const answer = await postAudit(admin, second);
    expect(answer.status).toBe(201);
    expect(getAt(answer.body, ['revision'])).toBe(2);
    const record = await getJson(`${url}/api/audits/${second.payload.audit.id}`, admin);
    // Every unit regraded compliant: full marks on what applies.
    expect(getAt(record.body, ['facts', 'earnedH'])).toBe(getAt(record.body, ['facts', 'possibleH']));
  });

  it('holds revision 2 until revision 1 arrives, then releases it', async () => {
    const first = freshAudit();
    const sealedFirst = await seal(first, tablet);
    const second = await seal(revisionTwo(first), tablet, { previousHash: sealedFirst.hash });
    const early = await postAudit(admin, second);
    expect(early.status).toBe(202);
    expect(getAt(early.body, ['reason'])).toBe('missing-predecessor');
    const answer = await postAudit(admin, sealedFirst);
    expect(answer.status).toBe(201);
    expect(getAt(answer.body, ['released'])).toEqual([second.payload.audit.id]);
    expect(getAt((await getJson(`${url}/api/audits/${second.payload.audit.id}`, admin)).body, ['status'])).toBe('accepted');
  });

  it('refuses a tampered envelope (422) and writes nothing of it', async () => {
    const envelope = await seal(freshAudit(), tablet);
    const tampered: unknown = structuredClone(envelope);
    setAt(tampered, ['payload', 'audit', 'answers', 0, 'note'], '一切正常');
    const before = durableFiles();
    const answer = await postAudit(admin, tampered);
    expect(answer.status).toBe(422);
    expect(getAt(answer.body, ['error', 'code'])).toBe('tampered');
    expect(getAt(answer.body, ['error', 'findings', 0, 'message'])).toBe('the sealed content does not match its hash');
    expect(durableFiles()).toEqual(before);
    expect((await getJson(`${url}/api/audits/${envelope.payload.audit.id}`, admin)).status).toBe(404);
  });

  it('refuses an envelope whose rubric was changed, though that rubric version was taken in before (the server reuses its check of a rubric only for an identical one)', async () => {
    // One KF01 audit taken in first, so the server's check of KF01 is cached: a changed copy must not pass for it.
    expect((await postAudit(admin, await seal(freshAudit(), tablet))).status).toBe(201);
    const envelope = await seal(freshAudit(), tablet);
    const tampered: unknown = structuredClone(envelope);
    setAt(tampered, ['payload', 'rubric', 'title'], '物业服务考核评分表（改）');
    const answer = await postAudit(admin, tampered);
    expect([answer.status, getAt(answer.body, ['error', 'code'])]).toEqual([422, 'tampered']);
    expect(getAt(answer.body, ['error', 'findings', 0, 'message'])).toBe('the sealed content does not match its hash');
    // The untouched envelope still goes in.
    expect((await postAudit(admin, envelope)).status).toBe(201);
  });

  it('refuses what is not a sealed envelope with the path of the problem (422)', async () => {
    const envelope = await seal(freshAudit(), tablet);
    const wrong: unknown = structuredClone(envelope);
    setAt(wrong, ['payload', 'audit', 'answers', 0, 'grade'], 'excellent');
    const malformed = await postAudit(admin, wrong);
    expect(malformed.status).toBe(422);
    expect(getAt(malformed.body, ['error', 'code'])).toBe('malformed');
    expect(getAt(malformed.body, ['error', 'path'])).toBe('payload.audit.answers[0].grade');
    const notJson = await postAudit(admin, '{"payload": ');
    expect(notJson.status).toBe(422);
    expect(getAt(notJson.body, ['error', 'code'])).toBe('not-json');
    const wrongType = await postAudit(admin, JSON.stringify(envelope), 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(getAt(wrongType.body, ['error', 'code'])).toBe('unsupported-media-type');
  });

  it('refuses an audit whose images were not uploaded first, naming them, and takes it once they are', async () => {
    const otherPhoto = Uint8Array.from(photoRed, (b, i) => (i === photoRed.length - 30 ? b ^ 0x01 : b));
    const envelope = await seal(freshAudit(), tablet, { images: imagesOf(otherPhoto) });
    const answer = await postAudit(admin, envelope);
    expect(answer.status).toBe(422);
    expect(getAt(answer.body, ['error', 'code'])).toBe('missing-images');
    expect(getAt(answer.body, ['error', 'missing'])).toEqual([{ id: 'photo-1', kind: 'photo', sha256: sha256Hex(otherPhoto) }]);
    expect((await putImage(admin, otherPhoto)).status).toBe(201);
    expect((await postAudit(admin, envelope)).status).toBe(201);
  });

  it('checks every image upload against the SHA-256 in its address', async () => {
    const stored = await putImage(admin, photoRed);
    expect(stored.status).toBe(200); // uploaded in beforeAll
    expect(stored.body).toEqual({ status: 'unchanged', sha256: sha256Hex(photoRed), size: photoRed.length });
    const cut = photoRed.subarray(0, photoRed.length - 1);
    const mismatch = await putImage(admin, cut, sha256Hex(photoRed));
    expect(mismatch.status).toBe(422);
    expect(getAt(mismatch.body, ['error', 'code'])).toBe('hash-mismatch');
    const text = new TextEncoder().encode('<svg onload="alert(1)"/>');
    const notImage = await putImage(admin, text, sha256Hex(text), 'application/octet-stream');
    expect(notImage.status).toBe(422);
    expect(getAt(notImage.body, ['error', 'code'])).toBe('not-an-image');
    const badAddress = await putImage(admin, photoRed, 'ABC');
    expect(badAddress.status).toBe(400);
    expect(getAt(badAddress.body, ['error', 'path'])).toBe('sha256');
    const back = await fetch(`${url}/api/images/${sha256Hex(photoRed)}`, { headers: admin.headers });
    expect(back.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(photoRed);
  });

  it('answers 413 past the size limits, for audits and images', async () => {
    // The defaults: 2 MiB for an audit, 10 MiB for an image.
    const huge = `{"payload":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    const audit = await postAudit(admin, huge);
    expect(audit.status).toBe(413);
    expect(getAt(audit.body, ['error', 'code'])).toBe('too-large');
    const bigImage = new Uint8Array(10 * 1024 * 1024 + 1);
    bigImage.set([0xff, 0xd8, 0xff]);
    const image = await putImage(admin, bigImage);
    expect(image.status).toBe(413);
    expect(getAt(image.body, ['error', 'code'])).toBe('too-large');
  });

  it('enrols a key only with the fingerprint the tablet shows, and only once; revokes once', async () => {
    const device = await nodeSigner();
    const file = await makeDeviceKeyFile(device, { deviceLabel: '前台平板 9', auditor: '赵六', createdAt: '2026-11-01T00:00:00.000Z' });
    if (!file.ok) throw new Error('key file');
    const content = await readDeviceKeyFile(file.value, nodeVerifier);
    if (!content.ok) throw new Error('key file');
    const wrong = await enrolDeviceKey(server.services.db, content.value, { fingerprint: '0000 0000 0000 0000', at: '2026-11-02T00:00:00.000Z' });
    expect(wrong.ok || wrong.issues[0]?.path).toBe('fingerprint');
    const enrolled = await enrolDeviceKey(server.services.db, content.value, { fingerprint: content.value.fingerprint, at: '2026-11-02T00:00:00.000Z' });
    expect(enrolled.ok).toBe(true);
    const twice = await enrolDeviceKey(server.services.db, content.value, { fingerprint: content.value.fingerprint, at: '2026-11-03T00:00:00.000Z' });
    expect(twice.ok || twice.issues[0]?.message).toMatch(/is already enrolled \(前台平板 9, 赵六\)/);
    const entry = (await keyRegister(server.services.db)).find((k) => k.keyId === content.value.keyId);
    expect(entry).toEqual({
      version: 1,
      keyId: content.value.keyId,
      publicKey: content.value.file.publicKey,
      deviceLabel: '前台平板 9',
      auditor: '赵六',
      enrolledAt: '2026-11-02T00:00:00.000Z',
    });
    expect((await revokeDeviceKey(server.services.db, content.value.fingerprint, '2026-11-04T00:00:00.000Z', '离职')).ok).toBe(true);
    const again = await revokeDeviceKey(server.services.db, content.value.fingerprint, '2026-11-05T00:00:00.000Z');
    expect(again.ok || again.issues[0]?.message).toMatch(/was already revoked on 2026-11-04T00:00:00.000Z/);
  });

  it('refuses an audit sealed by a revoked key at or after its revocation', async () => {
    const lost = await nodeSigner();
    const key = await enrol(server.services.db, lost, '李四');
    const revoked = await revokeDeviceKey(server.services.db, key.keyId, '2026-11-24T00:00:00.000Z', '平板遗失');
    expect(revoked.ok).toBe(true);
    const before = await seal(freshAudit(), lost, { sealedAt: '2026-11-23T23:59:59.000Z' });
    expect((await postAudit(admin, before)).status).toBe(201);
    const after = await seal(freshAudit(), lost);
    const answer = await postAudit(admin, after);
    expect(answer.status).toBe(422);
    expect(getAt(answer.body, ['error', 'code'])).toBe('revoked-key');
    expect(getAt(answer.body, ['error', 'message'])).toMatch(/revoked on 2026-11-24T00:00:00.000Z/);
  });
});
