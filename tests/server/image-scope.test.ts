import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFactFromEnvelope, sha256Hex, writeBundleV2, type SealedEnvelope, type SealSigner } from '../../src/domain/head-office';
import { migrate } from '../../src/server/db/migrate';
import { MIGRATIONS } from '../../src/server/db/migrations';
import { openDatabase } from '../../src/server/db/open-database';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { BlobStore } from '../../src/server/store/blob-store';
import { imagesOf, nodeSigner, photoBlue, photoRed, signatureAlt } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type ApiClient, type SignedIn } from './support/sessions';
import { enrol, freshAudit, postAudit, putImage, revisionTwo, seal } from './support/uploads';

/** A JPEG of its own (the red fixture with a tag after its end marker): no other audit shares its hash. */
const photoOf = (tag: string): Uint8Array<ArrayBuffer> => new Uint8Array([...photoRed, ...new TextEncoder().encode(tag)]);

async function readImage(client: ApiClient, sha256: string): Promise<{ status: number; bytes: Uint8Array; body: unknown }> {
  const response = await fetch(`${client.baseUrl}/api/images/${sha256}`, { headers: client.headers });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, bytes, body: isJson ? JSON.parse(new TextDecoder().decode(bytes)) : undefined };
}

/** A refusal with the hash taken out: what the answer says about an image apart from its own name. */
const refusalOf = async (client: ApiClient, sha256: string) => {
  const answer = await readImage(client, sha256);
  return [answer.status, getAt(answer.body, ['error', 'code']), String(getAt(answer.body, ['error', 'message'])).replace(sha256, '<sha256>')];
};

async function postBundle(client: ApiClient, envelopes: readonly SealedEnvelope[], images: readonly Map<string, Uint8Array>[]) {
  const zip = writeBundleV2(
    envelopes.map((envelope, i) => ({ envelope, images: images[i] ?? imagesOf() })),
    '2026-12-01T00:00:00.000Z',
  );
  const response = await fetch(`${client.baseUrl}/api/bundles`, {
    method: 'POST',
    headers: { ...client.headers, 'content-type': 'application/zip' },
    body: Buffer.from(zip),
  });
  const body: unknown = await response.json();
  const audits = getAt(body, ['audits']);
  return Array.isArray(audits) ? audits.map((a) => getAt(a, ['status'])) : [response.status, body];
}

describe.each(BACKENDS)('who may read which image (GET /api/images/{sha256}), on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let auditorA: SignedIn;
  let auditorB: SignedIn;
  let managerA: SignedIn;
  let managerB: SignedIn;
  let tabletA: SealSigner;
  const photoA = photoOf('site A, auditor A');
  const photoB = photoOf('site B, auditor B');
  const neverStored = sha256Hex(photoOf('never uploaded by anyone'));

  /** Uploads an audit as its auditor does: every image first, then the envelope. */
  async function uploadAudit(auditor: SignedIn, tablet: SealSigner, site: string, photo: Uint8Array<ArrayBuffer>): Promise<string> {
    const images = imagesOf(photo);
    for (const bytes of images.values()) expect([200, 201]).toContain((await putImage(auditor, bytes)).status);
    const audit = freshAudit({ site });
    expect((await postAudit(auditor, await seal(audit, tablet, { images }))).status).toBe(201);
    const row = await server.services.db.selectFrom('accepted_revisions').select('site_key').where('audit_id', '=', audit.id).executeTakeFirstOrThrow();
    return row.site_key;
  }

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    const { db } = server.services;
    admin = await signedInAs(server, 'admin');
    auditorA = await signedInAs(server, 'auditor', { displayName: '王小明' });
    auditorB = await signedInAs(server, 'auditor', { displayName: '张三' });
    tabletA = await nodeSigner();
    const tabletB = await nodeSigner();
    await enrol(db, tabletA, '王小明', auditorA.userId);
    await enrol(db, tabletB, '张三', auditorB.userId);
    const siteA = await uploadAudit(auditorA, tabletA, '甲管理处', photoA);
    const siteB = await uploadAudit(auditorB, tabletB, '乙管理处', photoB);
    managerA = await signedInAs(server, 'site-manager', { siteKeys: [siteA] });
    managerB = await signedInAs(server, 'site-manager', { siteKeys: [siteB] });
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('refuses the site manager of site A the photo of a site B audit with a 404 word for word like a hash never stored; A’s own photo is served', async () => {
    const forbidden = await refusalOf(managerA, sha256Hex(photoB));
    expect(forbidden).toEqual([404, 'not-found', 'no image <sha256> here that you may read']);
    expect(forbidden).toEqual(await refusalOf(managerA, neverStored));
    const own = await readImage(managerA, sha256Hex(photoA));
    expect([own.status, sha256Hex(own.bytes)]).toEqual([200, sha256Hex(photoA)]);
    // And the other way round.
    expect((await readImage(managerB, sha256Hex(photoA))).status).toBe(404);
    expect(sha256Hex((await readImage(managerB, sha256Hex(photoB))).bytes)).toBe(sha256Hex(photoB));
  });

  it('refuses an auditor another auditor’s photo even with its exact hash (404, as if absent); each reads their own', async () => {
    expect(await refusalOf(auditorB, sha256Hex(photoA))).toEqual(await refusalOf(auditorB, neverStored));
    expect((await readImage(auditorA, sha256Hex(photoB))).status).toBe(404);
    expect(sha256Hex((await readImage(auditorA, sha256Hex(photoA))).bytes)).toBe(sha256Hex(photoA));
    expect(sha256Hex((await readImage(auditorB, sha256Hex(photoB))).bytes)).toBe(sha256Hex(photoB));
  });

  it('serves an image not yet in any audit to the auditor who uploaded it and to admins only', async () => {
    const loose = photoOf('uploaded, audit not sent yet');
    expect((await putImage(auditorA, loose)).status).toBe(201);
    const reads = await Promise.all([auditorA, auditorB, managerA, managerB, admin].map(async (c) => (await readImage(c, sha256Hex(loose))).status));
    expect(reads).toEqual([200, 404, 404, 404, 200]);
    // Sending the same bytes again proves having them: the second sender may read them too. New to them, so
    // 201: a 200 would tell B that someone else had sent these bytes.
    expect((await putImage(auditorB, loose)).status).toBe(201);
    expect((await readImage(auditorB, sha256Hex(loose))).status).toBe(200);
  });

  it('lets an admin read every image: both audits’ photos and their signatures', async () => {
    for (const image of [photoA, photoB, photoBlue, signatureAlt]) {
      const answer = await readImage(admin, sha256Hex(image));
      expect([answer.status, sha256Hex(answer.bytes)]).toEqual([200, sha256Hex(image)]);
    }
    expect((await readImage(admin, neverStored)).status).toBe(404);
  });

  it('a held audit’s photo: its auditor reads it though an admin sent it; the site’s manager only once the audit is accepted', async () => {
    const first = freshAudit({ site: '甲管理处' });
    const photoOne = photoOf('held chain, revision 1');
    const photoTwo = photoOf('held chain, revision 2');
    const sealedOne = await seal(first, tabletA, { images: imagesOf(photoOne) });
    const sealedTwo = await seal(revisionTwo(first), tabletA, { previousHash: sealedOne.hash, images: imagesOf(photoTwo) });
    // Revision 2 alone, forwarded by head office: held until revision 1 arrives. The auditor never uploaded it.
    expect(await postBundle(admin, [sealedTwo], [imagesOf(photoTwo)])).toEqual(['held']);
    const beforeAccepted = await Promise.all([auditorA, auditorB, managerA, managerB].map(async (c) => (await readImage(c, sha256Hex(photoTwo))).status));
    expect(beforeAccepted).toEqual([200, 404, 404, 404]);
    expect(await postBundle(admin, [sealedOne], [imagesOf(photoOne)])).toEqual(['stored']);
    const afterAccepted = await Promise.all([auditorA, auditorB, managerA, managerB].map(async (c) => (await readImage(c, sha256Hex(photoTwo))).status));
    expect(afterAccepted).toEqual([200, 404, 200, 404]);
  });

  it('answers an envelope’s hash with 404 even to an admin: the blob store’s envelopes are not images', async () => {
    const row = await server.services.db.selectFrom('accepted_revisions').select('envelope_sha256').executeTakeFirstOrThrow();
    expect((await readImage(admin, row.envelope_sha256)).status).toBe(404);
  });
});

describe.each(BACKENDS)('migration 4 (image read scope) from a release-3 database with audits in it, on %s', (backendName) => {
  const backend = useBackend(backendName);

  it('lists the images of the accepted and held audits from their envelopes, skipping a missing envelope; refuses to run without the blob store', async () => {
    const config = await backend.freshConfig();
    mkdirSync(join(config.dataDir, 'tmp'), { recursive: true });
    const blobs = await BlobStore.open(config.dataDir, join(config.dataDir, 'tmp'));
    const open = await openDatabase(config);
    try {
      expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 3))).toEqual({ applied: [1, 2, 3], version: 3 });
      const tablet = await nodeSigner();
      const photoX = photoOf('stored by release 3');
      const photoY = photoOf('held by release 3');
      const accepted = await seal(freshAudit(), tablet, { images: imagesOf(photoX) });
      const held = await seal(revisionTwo(freshAudit()), tablet, { previousHash: 'a'.repeat(64), images: imagesOf(photoY) });
      const envelopeSha = async (envelope: SealedEnvelope) => (await blobs.put(new TextEncoder().encode(JSON.stringify(envelope)))).sha256;
      const acceptedSha = await envelopeSha(accepted);
      const heldSha = await envelopeSha(held);
      // As release 3 wrote them (no image lists); the third row's envelope is missing from the blob store.
      const acceptedRow = (envelope: SealedEnvelope, envelopeSha256: string) => {
        const fact = auditFactFromEnvelope(envelope);
        return {
          audit_id: fact.auditId,
          lineage_id: fact.lineageId,
          revision: fact.revision,
          seal_hash: fact.hash,
          signer: fact.signer,
          rubric_id: fact.rubricId,
          rubric_fingerprint: fact.rubricFingerprint,
          site_key: fact.siteKey,
          site_name: fact.siteName,
          region: null,
          auditor: fact.auditor,
          audited_at: fact.auditedAt,
          sealed_at: fact.sealedAt,
          earned_h: fact.earnedH,
          possible_h: fact.possibleH,
          percent_tenths: fact.percentTenths,
          facts: JSON.stringify(fact),
          envelope_sha256: envelopeSha256,
          source: 'release 3',
          received_at: '2026-11-30T00:00:00.000Z',
        };
      };
      const lost = await seal(freshAudit(), tablet);
      await open.db.insertInto('accepted_revisions').values([acceptedRow(accepted, acceptedSha), acceptedRow(lost, 'e'.repeat(64))]).execute();
      await open.db
        .insertInto('held_entries')
        .values({
          audit_id: held.payload.audit.id,
          lineage_id: held.payload.audit.lineageId,
          revision: 2,
          seal_hash: held.hash,
          signer: 'f'.repeat(64),
          reason: 'missing-predecessor',
          message: 'revision 1 has not arrived',
          envelope_sha256: heldSha,
          source: 'release 3',
          held_at: '2026-11-30T00:00:00.000Z',
        })
        .execute();

      // Without the blob store (a console command on DATABASE_URL) the step cannot list them: refused, nothing changed.
      await expect(migrate(open.db)).rejects.toThrow(/schema step 4 lists the images of the audits already stored/);
      const versions = await sql<{ v: number }>`select max(version)::int as v from schema_migrations`.execute(open.db);
      expect(versions.rows).toEqual([{ v: 3 }]);

      expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 4), blobs)).toEqual({ applied: [4], version: 4 });
      const listed = await open.db
        .selectFrom('envelope_images')
        .select(['envelope_sha256', 'image_sha256'])
        .orderBy('envelope_sha256')
        .orderBy('image_sha256')
        .execute();
      const expected = [
        ...[photoX, photoBlue, signatureAlt].map((image) => ({ envelope_sha256: acceptedSha, image_sha256: sha256Hex(image) })),
        ...[photoY, photoBlue, signatureAlt].map((image) => ({ envelope_sha256: heldSha, image_sha256: sha256Hex(image) })),
      ].sort((x, y) => (x.envelope_sha256 + x.image_sha256 < y.envelope_sha256 + y.image_sha256 ? -1 : 1));
      expect(listed).toEqual(expected);
      expect(await open.db.selectFrom('image_uploads').selectAll().execute()).toEqual([]);
      expect((await open.db.selectFrom('accepted_revisions').select('audit_id').execute()).length).toBe(2);
    } finally {
      await open.close();
    }
  }, 120_000);
});
