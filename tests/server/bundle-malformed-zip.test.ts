import { strToU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, writeBundleV2, type SealSigner } from '../../src/domain/head-office';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { craftZip, localEntry, type CraftEntry } from '../support/craft-zip';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type SignedIn } from './support/sessions';
import { enrol, freshAudit, getJson, seal } from './support/uploads';

const TABLES = ['accepted_revisions', 'held_entries', 'conflicts', 'envelope_images', 'image_uploads'] as const;

describe.each(BACKENDS)('a malformed zip posted to POST /api/bundles, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let tablet: SealSigner;
  let admin: SignedIn;

  const rowCounts = async () =>
    Promise.all(
      TABLES.map(async (table) => {
        const row = await server.services.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
        return `${table}: ${row?.n ?? '?'}`;
      }),
    );

  const post = async (bytes: Uint8Array) => {
    const answer = await fetch(`${server.url}/api/bundles`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/zip' },
      body: Buffer.from(bytes),
    });
    const body: unknown = await answer.json();
    return { status: answer.status, body };
  };

  /** A genuine bundle of one sealed audit, its entries in the order written, and that audit's id. */
  const genuine = async () => {
    const envelope = await seal(freshAudit(), tablet);
    const files = unzipSync(writeBundleV2([{ envelope, images: imagesOf() }], '2026-12-01T00:00:00.000Z'));
    const entries: CraftEntry[] = Object.entries(files).map(([name, data]) => ({ name, data, deflate: !name.startsWith('images/') }));
    return { entries, id: envelope.payload.audit.id };
  };

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet);
    admin = await signedInAs(server, 'admin');
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('is well formed without the fault: the same crafted bundle is stored (so the refusals below are the fault’s)', async () => {
    const { entries, id } = await genuine();
    const answer = await post(craftZip(entries));
    expect([answer.status, getAt(answer.body, ['audits', 0, 'status']), getAt(answer.body, ['unusedEntries'])]).toEqual([200, 'stored', []]);
    expect((await getJson(`${server.url}/api/audits/${id}`, admin)).status).toBe(200);
  });

  it('a hidden local copy before the genuine audit entry: 422 with the entry and offset, nothing written', async () => {
    const { entries, id } = await genuine();
    const auditName = `audits/${id}.json`;
    const withHidden = entries.map((e) =>
      e.name === auditName ? { ...e, before: localEntry({ name: auditName, data: strToU8('{"payload":"a different audit"}') }) } : e,
    );
    const before = await rowCounts();
    const answer = await post(craftZip(withHidden));
    expect([answer.status, getAt(answer.body, ['error', 'code'])]).toEqual([422, 'malformed']);
    expect(String(getAt(answer.body, ['error', 'message']))).toMatch(
      new RegExp(`^不是可读的 \\.ducha 文件 \\(not a readable bundle\\): a malformed zip: bytes \\d+ to \\d+ belong to no entry the central directory lists \\(a hidden local copy, or data smuggled in\\), before zip entry "audits/${id}\\.json" at offset \\d+$`),
    );
    expect(await rowCounts()).toEqual(before);
    expect((await getJson(`${server.url}/api/audits/${id}`, admin)).status).toBe(404);
  });

  it('a photo whose bytes fail their CRC-32: 422, and neither the audit nor the photo is kept', async () => {
    const { entries, id } = await genuine();
    const damaged = entries.map((e) =>
      e.name.startsWith('images/') ? { ...e, writtenData: Uint8Array.from(e.data, (x, i) => (i === 10 ? x ^ 0xff : x)) } : e,
    );
    const photo = damaged.find((e) => e.name.startsWith('images/'));
    const before = await rowCounts();
    const answer = await post(craftZip(damaged));
    expect([answer.status, getAt(answer.body, ['error', 'code'])]).toEqual([422, 'malformed']);
    expect(String(getAt(answer.body, ['error', 'message']))).toMatch(/: a malformed zip: zip entry "images\/[0-9a-f]{64}" at offset \d+: its bytes fail their CRC-32 check/);
    expect(await rowCounts()).toEqual(before);
    expect((await getJson(`${server.url}/api/audits/${id}`, admin)).status).toBe(404);
    const sha = sha256Hex(photo?.writtenData ?? new Uint8Array());
    expect((await fetch(`${server.url}/api/images/${sha}`, { headers: admin.headers })).status).toBe(404);
  });

  it('reports an image no audit names in the receipt, and stores the audit beside it', async () => {
    const { entries, id } = await genuine();
    const stray = Uint8Array.of(0xff, 0xd8, 0xff, 0xd9);
    const answer = await post(craftZip([...entries, { name: `images/${sha256Hex(stray)}`, data: stray }]));
    expect(answer.status).toBe(200);
    expect(getAt(answer.body, ['audits', 0, 'status'])).toBe('stored');
    expect(getAt(answer.body, ['unusedEntries'])).toEqual([
      { entry: `images/${sha256Hex(stray)}`, problem: 'unusedEntry', message: `images/${sha256Hex(stray)} is named by no audit in the manifest; it is ignored` },
    ]);
    expect((await getJson(`${server.url}/api/audits/${id}`, admin)).status).toBe(200);
  });
});
