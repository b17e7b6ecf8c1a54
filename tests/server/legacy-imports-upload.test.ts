import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import Dexie from 'dexie';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditFactFromEnvelope, summaryOf, toBase64Url, type Audit, type SealedEnvelope, type SealSigner } from '../../src/domain/index';
import { bundleReceiptSchema } from '../../src/domain/wire';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { DuchaDb, schemaVersions } from '../../src/storage/db';
import { countLegacyImports, uploadLegacyImports, type LegacySend } from '../../src/storage/legacy-imports';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner, sealed } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type SignedIn } from './support/sessions';
import { enrol, getJson } from './support/uploads';

/*
 * A browser an older version (Dexie v10) used as head office: it holds an audit it imported from another
 * tablet (v8 shape: rubric kept once, images as bytes, facts split from units), two it held aside (one by a key
 * it never enrolled, one whose seal was changed after sealing), a conflict record, its key register and the
 * dashboard's snapshot. Today's code opens it (v11), uploads what it holds to a real server and removes from
 * the browser only what the server acknowledged.
 */
const kf01 = loadRubric('KF01');
const T = '2026-11-20T02:00:00.000Z';

const otherDeviceAudit = (siteName: string): Audit => {
  const audit = finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-all-compliant') }, { photoUnit: '7' });
  const id = randomUUID();
  return { ...audit, id, lineageId: id, site: { id: `site-${id.slice(0, 4)}`, name: siteName } };
};
const heldEntry = (envelope: unknown) => ({
  envelope,
  blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: toBase64Url(bytes) })),
});
const heldRow = (envelope: SealedEnvelope, entryEnvelope: unknown = envelope) => ({
  auditId: envelope.payload.audit.id,
  hash: envelope.hash,
  lineageId: envelope.payload.audit.lineageId,
  revision: 1,
  signer: 'x',
  siteName: envelope.payload.audit.site.name,
  rubricId: 'KF01',
  reason: 'unknown-key',
  message: 'unknown key',
  source: 'old.ducha',
  heldAt: T,
  entry: heldEntry(entryEnvelope),
});

describe.each(BACKENDS)('a device holding audits imported by an older version, uploading them, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let tablet: SealSigner;
  let imported: SealedEnvelope;
  let strangers: SealedEnvelope;
  let tampered: SealedEnvelope;
  let dbName: string;

  const send: LegacySend = async (bytes) => {
    const answer = await fetch(`${server.url}/api/bundles`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/octet-stream' },
      body: Buffer.from(bytes),
    });
    const body: unknown = await answer.json();
    if (!answer.ok) return { ok: false, message: `HTTP ${String(answer.status)}` };
    return { ok: true, audits: bundleReceiptSchema.parse(body).audits };
  };

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    admin = await signedInAs(server, 'admin');
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet, '李国强');
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  beforeEach(async () => {
    dbName = `ducha-legacy-${Math.random().toString(36).slice(2)}`;
    imported = await sealed(kf01, otherDeviceAudit('乙管理处'), tablet);
    strangers = await sealed(kf01, otherDeviceAudit('丙管理处'));
    tampered = await sealed(kf01, otherDeviceAudit('丁管理处'), tablet);
    const old = new Dexie(dbName);
    for (const v of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const) old.version(v).stores(schemaVersions[v]);
    await old.open();
    const id = imported.payload.audit.id;
    const { rubric, ...payload } = imported.payload;
    const fact = auditFactFromEnvelope(imported);
    const { units, ...summary } = { ...summaryOf(fact), units: fact.units };
    await old.table('imports').add({
      auditId: id,
      hash: imported.hash,
      lineageId: id,
      envelope: { ...imported, payload },
      rubricFingerprint: imported.payload.audit.rubricFingerprint,
      importedAt: T,
      source: 'auditor-2.ducha',
    });
    await old.table('importRubrics').add({ fingerprint: imported.payload.audit.rubricFingerprint, rubric, storedAt: T });
    await old.table('importImages').bulkAdd(
      [...imagesOf()].map(([blobId, bytes]) => ({ key: `${id}:${blobId}`, auditId: id, id: blobId, kind: 'photo', type: 'image/jpeg', size: bytes.length, bytes, createdAt: T })),
    );
    await old.table('facts').add({ auditId: id, hash: imported.hash, rubricId: 'KF01', siteKey: fact.siteKey, auditedAt: fact.auditedAt, fact: summary });
    await old.table('factUnits').add({ auditId: id, units });
    // Changed after sealing: the seal no longer matches the text, so the server refuses it.
    const changed = { ...tampered, payload: { ...tampered.payload, audit: { ...tampered.payload.audit, auditor: '冒名' } } };
    await old.table('held').bulkAdd([heldRow(strangers), heldRow(tampered, changed)]);
    await old.table('conflicts').add({ auditId: id, record: { note: 'a record of the old head office' } });
    await old.table('keys').add({ keyId: 'k', key: { note: 'the old register' } });
    await old.table('settings').bulkAdd([
      { key: 'dashboard-facts-snapshot', value: { version: 1, columns: { count: 1 } } },
      { key: 'auditorName', value: '周堃' },
    ]);
    old.close();
  });

  it('keeps them through the v11 upgrade, uploads them, and removes only what the server acknowledged', async () => {
    const db = new DuchaDb(dbName);
    await db.open();
    expect(db.verno).toBe(11);
    // The upgrade itself deletes no audit: only the derived snapshot and the register the server now keeps.
    expect(await countLegacyImports(db)).toBe(3);
    expect(await db.settings.get('dashboard-facts-snapshot')).toBeUndefined();
    expect((await db.settings.get('auditorName'))?.value).toBe('周堃');
    expect(db.tables.map((t) => t.name)).not.toContain('keys');

    const report = await uploadLegacyImports(db, send);
    expect(report.removed).toBe(2);
    expect(report.unreadable).toEqual([]);
    expect(report.refused.map((r) => r.auditId)).toEqual([tampered.payload.audit.id]);
    expect(report.failure).toBeUndefined();

    // The server has both: the enrolled tablet's stored for comparison, the stranger's held (待确认).
    const stored = await getJson(`${server.url}/api/audits/${imported.payload.audit.id}`, admin);
    expect([stored.status, getAt(stored.body, ['status']), getAt(stored.body, ['sealHash'])]).toEqual([200, 'accepted', imported.hash]);
    const held = await getJson(`${server.url}/api/audits/${strangers.payload.audit.id}`, admin);
    expect([held.status, getAt(held.body, ['status'])]).toEqual([200, 'held']);

    // Here: the acknowledged are gone, every row of them; the refused one is still here, whole.
    expect(await db.imports.count()).toBe(0);
    expect(await db.facts.count()).toBe(0);
    expect(await db.factUnits.count()).toBe(0);
    expect(await db.importImages.count()).toBe(0);
    expect((await db.held.toArray()).map((h) => h.auditId)).toEqual([tampered.payload.audit.id]);
    expect(await countLegacyImports(db)).toBe(1);
    // The old records stay until nothing is left to upload.
    expect(await db.conflicts.count()).toBe(1);

    // Sent again: the server refuses it again, and it is still kept.
    const again = await uploadLegacyImports(db, send);
    expect([again.removed, again.refused.length, await countLegacyImports(db)]).toEqual([0, 1, 1]);
    db.close();
    await Dexie.delete(dbName);
  });

  it('removes nothing when the server does not answer', async () => {
    const db = new DuchaDb(dbName);
    await db.open();
    const report = await uploadLegacyImports(db, () => Promise.resolve({ ok: false, message: 'offline' }));
    expect([report.removed, report.failure, await countLegacyImports(db), await db.importImages.count()]).toEqual([0, 'offline', 3, 3]);
    db.close();
    await Dexie.delete(dbName);
  });
});
