import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, writeBundleV2, type SealedEnvelope, type SealSigner } from '../../src/domain/head-office';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { imagesOf, nodeSigner, photoRed } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type ApiClient, type SignedIn } from './support/sessions';
import { enrol, freshAudit, postAudit, putImage, revisionTwo, seal, type HttpAnswer } from './support/uploads';

/** A JPEG of its own (the red fixture with a tag after its end marker): no other audit shares its hash. */
const photoOf = (tag: string): Uint8Array<ArrayBuffer> => new Uint8Array([...photoRed, ...new TextEncoder().encode(tag)]);

const readStatus = async (client: ApiClient, sha256: string) => (await fetch(`${client.baseUrl}/api/images/${sha256}`, { headers: client.headers })).status;

/** Every image of an envelope sent by this client first, as a tablet's sync does. */
async function putAll(client: ApiClient, images: Map<string, Uint8Array>): Promise<void> {
  for (const bytes of images.values()) expect([200, 201]).toContain((await putImage(client, bytes)).status);
}

/** A refusal with the envelope's own names taken out: what it says apart from them. */
const shapeOf = (answer: HttpAnswer, envelope: SealedEnvelope) => {
  let text = JSON.stringify(answer.body);
  for (const blob of envelope.payload.blobs) text = text.replaceAll(blob.sha256, '<sha256>');
  return [answer.status, text.replaceAll(envelope.payload.audit.id, '<audit>')];
};

describe.each(BACKENDS)('an envelope names only images its sender sent (no reading by hash, no existence oracle), on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let auditorA: SignedIn;
  let auditorB: SignedIn;
  let tabletA: SealSigner;
  const photoB = photoOf('auditor B’s photo, site B');

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    admin = await signedInAs(server, 'admin');
    auditorA = await signedInAs(server, 'auditor', { displayName: '王小明' });
    auditorB = await signedInAs(server, 'auditor', { displayName: '张三' });
    tabletA = await nodeSigner();
    const tabletB = await nodeSigner();
    await enrol(server.services.db, tabletA, '王小明', auditorA.userId);
    await enrol(server.services.db, tabletB, '张三', auditorB.userId);
    const images = imagesOf(photoB);
    await putAll(auditorB, images);
    expect((await postAudit(auditorB, await seal(freshAudit({ site: '乙管理处' }), tabletB, { images }))).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('refuses A’s own sealed audit naming B’s photo hash, word for word as a hash nobody sent, and A still cannot read it', async () => {
    // A sends every other image of the audit, never B's photo: only its hash is in the envelope.
    const withB = imagesOf(photoB);
    const others = new Map([...withB].filter(([, bytes]) => sha256Hex(bytes) !== sha256Hex(photoB)));
    await putAll(auditorA, others);
    const naming = await seal(freshAudit({ site: '甲管理处' }), tabletA, { images: withB });
    const answer = await postAudit(auditorA, naming);
    expect([answer.status, getAt(answer.body, ['error', 'code'])]).toEqual([422, 'missing-images']);
    expect(getAt(answer.body, ['error', 'missing'])).toEqual([expect.objectContaining({ kind: 'photo', sha256: sha256Hex(photoB) })]);
    const neverSent = photoOf('nobody ever sent this');
    const swapped = new Map([...withB].map(([id, bytes]) => [id, sha256Hex(bytes) === sha256Hex(photoB) ? neverSent : bytes]));
    const naming2 = await seal(freshAudit({ site: '甲管理处' }), tabletA, { images: swapped });
    expect(shapeOf(await postAudit(auditorA, naming2), naming2)).toEqual(shapeOf(answer, naming));
    expect(await readStatus(auditorA, sha256Hex(photoB))).toBe(404);
    expect(await server.services.db.selectFrom('accepted_revisions').select('audit_id').where('audit_id', '=', naming.payload.audit.id).execute()).toEqual([]);
    // Once A sends the bytes, A holds them: the audit is taken and A reads what A sent.
    expect((await putImage(auditorA, photoB)).status).toBe(201);
    expect((await postAudit(auditorA, naming)).status).toBe(201);
    expect(await readStatus(auditorA, sha256Hex(photoB))).toBe(200);
  });

  it('answers PUT /api/images the same (201) whether or not someone else sent those bytes before', async () => {
    const sentByB = photoOf('sent by B first');
    expect((await putImage(auditorB, sentByB)).status).toBe(201);
    const first = await putImage(auditorA, sentByB);
    const fresh = photoOf('sent by nobody before');
    const control = await putImage(auditorA, fresh);
    expect([first.status, getAt(first.body, ['status'])]).toEqual([control.status, getAt(control.body, ['status'])]);
    expect(first.status).toBe(201);
    // Again by the same sender: unchanged, for them.
    expect((await putImage(auditorA, sentByB)).status).toBe(200);
  });

  it('lets a correction keep the photos of its own accepted revision without sending them again', async () => {
    const photoOne = photoOf('A’s revision 1 photo, forwarded by head office');
    const images = imagesOf(photoOne);
    const first = freshAudit({ site: '甲管理处' });
    const sealedOne = await seal(first, tabletA, { images });
    // Revision 1 reached head office in a bundle the admin sent: A never uploaded its images.
    const zip = writeBundleV2([{ envelope: sealedOne, images }], '2026-12-01T00:00:00.000Z');
    const bundle = await fetch(`${admin.baseUrl}/api/bundles`, { method: 'POST', headers: { ...admin.headers, 'content-type': 'application/zip' }, body: Buffer.from(zip) });
    expect(getAt(await bundle.json(), ['audits', 0, 'status'])).toBe('stored');
    const second = await seal(revisionTwo(first), tabletA, { previousHash: sealedOne.hash, images });
    expect((await postAudit(auditorA, second)).status).toBe(201);
    // Another auditor's audit of another lineage naming the same photo is refused: the lineage rule is A's own.
    const tabletC = await nodeSigner();
    const auditorC = await signedInAs(server, 'auditor', { displayName: '李四' });
    await enrol(server.services.db, tabletC, '李四', auditorC.userId);
    const byC = await seal(freshAudit({ site: '丙管理处' }), tabletC, { images });
    expect((await postAudit(auditorC, byC)).status).toBe(422);
  });
});
