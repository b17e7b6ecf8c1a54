import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { strToU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bytesSource,
  keyFingerprint,
  keyId,
  findNode,
  makeDeviceKeyFile,
  rubricFingerprint,
  sealAudit,
  sha256Hex,
  toBase64Url,
  verifyEnvelope,
  writeBundleV2,
  type Audit,
  type Bundle,
  type SealedEnvelope,
  type SealSigner,
} from '../domain/head-office';
import { webCryptoVerifier } from '../crypto/webcrypto-verifier';
import { craftZip, localEntry, type CraftEntry } from '../../tests/support/craft-zip';
import { loadGrades, loadRubric } from '../../tests/support/load';
import { finalisedAudit, imagesOf, nodeSigner, photoBlue } from '../../tests/support/sealed-audit';
import { AuditStore } from './audit-store';
import { DuchaDb } from './db';
import { getDeviceSigner } from './device-key';
import { DASHBOARD_SNAPSHOT_KEY, HeadOfficeStore } from './head-office-store';

const kf01 = loadRubric('KF01');
let dbName: string;
const open = () => {
  const db = new DuchaDb(dbName);
  return new HeadOfficeStore(db, new AuditStore(db), webCryptoVerifier, () => '2026-11-30T00:00:00.000Z');
};
const entryOf = (envelope: SealedEnvelope) => ({
  envelope,
  blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: toBase64Url(bytes) })),
});
const bundleOf = (audits: unknown[]): unknown => ({
  format: 'ducha.bundle',
  version: 1,
  createdAt: '2026-11-30T00:00:00.000Z',
  audits,
});

const SEALED_AT = '2026-11-24T02:30:00.000Z';

/** Seals with a chosen key: a tablet signs every audit it makes with its one key. */
async function sealWith(
  signer: SealSigner,
  audit: Audit,
  options: { previousHash?: string; sealedAt?: string } = {},
): Promise<SealedEnvelope> {
  const blobs = new Map([...imagesOf()].map(([id, bytes]) => [id, { bytes, type: 'image/jpeg' }]));
  const result = await sealAudit(
    {
      audit,
      rubric: kf01,
      blobs,
      sealedAt: options.sealedAt ?? SEALED_AT,
      ...(options.previousHash ? { previousHash: options.previousHash } : {}),
    },
    signer,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

const auditOf = (id: string, fixture: string, site: string): Audit => ({
  ...finalisedAudit(kf01, { ...loadGrades(kf01, fixture) }, { photoUnit: '7', notes: { '4': '未主动致歉' } }),
  id,
  lineageId: id,
  site: { id: 's', name: site },
});

let tablet: SealSigner;
async function sealedAudit(
  id: string,
  fixture: string,
  site: string,
  signer = tablet,
): Promise<SealedEnvelope> {
  return sealWith(signer, auditOf(id, fixture, site));
}

/** A `.ducha-key` file as the tablet's 设置 screen exports it (JSON round trip included). */
async function keyFileOf(signer: SealSigner, deviceLabel: string, auditor = '王小明'): Promise<unknown> {
  const file = await makeDeviceKeyFile(signer, {
    deviceLabel,
    auditor,
    createdAt: '2026-11-01T00:00:00.000Z',
  });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  return JSON.parse(JSON.stringify(file.value));
}

async function enrolled(store: HeadOfficeStore, signer: SealSigner, deviceLabel: string): Promise<void> {
  const result = await store.enrol(await keyFileOf(signer, deviceLabel), {
    fingerprint: keyFingerprint(signer.publicKey),
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
}

beforeEach(async () => {
  dbName = `ducha-ho-${Math.random().toString(36).slice(2)}`;
  tablet = await nodeSigner();
});
afterEach(async () => {
  await Dexie.delete(dbName);
});

describe('importing bundles', () => {
  it('stores the valid audit and refuses the tampered and the malformed one, each with its reason; re-importing changes nothing', async () => {
    const valid = await sealedAudit('0f6c2b1a-1111-4aaa-8bbb-000000000001', 'kf01-mixed', '甲管理处');
    const other = await sealedAudit('0f6c2b1a-1111-4aaa-8bbb-000000000002', 'kf01-all-compliant', '乙管理处');
    const tampered = structuredClone(other);
    tampered.payload.score.earnedH = 9000; // a score changed after sealing
    const bundle = bundleOf([
      entryOf(valid),
      entryOf(tampered),
      { envelope: { payload: 'nonsense' }, blobs: [] },
    ]);

    const store = open();
    await enrolled(store, tablet, '前台平板 1');
    const first = await store.importBundle(bundle, 'a.ducha');
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.accepted.map((s) => [s.siteName, s.signer])).toEqual([
      ['甲管理处', keyId(tablet.publicKey)],
    ]);
    expect(first.value.refused.map((r) => [r.index, r.kind])).toEqual([
      [1, 'tampered'],
      [2, 'malformed'],
    ]);
    expect(first.value.refused[0]?.reason).toMatch(/score/);
    expect(first.value.refused[0]?.auditId).toBe('0f6c2b1a-1111-4aaa-8bbb-000000000002');

    const facts = await open().dashboardFacts();
    // kf01-mixed: 63 of 95 → 66.3 %
    expect(facts.map((f) => [f.siteName, f.earnedH, f.possibleH, f.percentTenths])).toEqual([
      ['甲管理处', 6300, 9500, 663],
    ]);
    expect(facts[0]).not.toHaveProperty('units');
    const [detailed] = await open().withUnits(facts);
    expect(detailed?.units.find((u) => u.id === '4')).toMatchObject({
      grade: 'non_compliant',
      note: '未主动致歉',
    });
    // KF01: ten items, each its own unit.
    expect(detailed?.units).toHaveLength(10);

    const again = await open().importBundle(bundle, 'a.ducha');
    expect(again.ok && again.value).toMatchObject({
      accepted: [],
      unchanged: ['0f6c2b1a-1111-4aaa-8bbb-000000000001'],
      conflicts: [],
    });
    expect(await open().dashboardFacts()).toHaveLength(1);
  });

  it('the same audit id with a different content is a conflict: shown, and the stored one is kept', async () => {
    const id = '0f6c2b1a-1111-4aaa-8bbb-000000000003';
    const original = await sealedAudit(id, 'kf01-mixed', '甲管理处');
    const other = await nodeSigner();
    const different = await sealedAudit(id, 'kf01-all-compliant', '甲管理处', other);
    const store = open();
    await enrolled(store, tablet, '前台平板 1');
    await enrolled(store, other, '前台平板 2');
    await store.importBundle(bundleOf([entryOf(original)]), 'a.ducha');
    const result = await store.importBundle(bundleOf([entryOf(different)]), 'b.ducha');
    // Both sides: the stored seal kept, and the one that arrived and was not taken.
    const both = {
      auditId: id,
      siteName: '甲管理处',
      incomingHash: different.hash,
      incomingSigner: keyId(other.publicKey),
      existing: {
        auditId: id,
        hash: original.hash,
        signer: keyId(tablet.publicKey),
        revision: 1,
      },
      source: 'b.ducha',
    };
    expect(result.ok && result.value.conflicts).toMatchObject([both]);
    expect(await store.conflictRecords()).toMatchObject([both]);
    expect((await store.dashboardFacts())[0]?.earnedH).toBe(6300);
  });

  it('finds the exact rubric an imported audit was scored against, from its seal, for drill-down', async () => {
    const id = '0f6c2b1a-1111-4aaa-8bbb-000000000009';
    const store = open();
    await enrolled(store, tablet, '前台平板 1');
    await store.importBundle(bundleOf([entryOf(await sealedAudit(id, 'kf01-mixed', '甲管理处'))]), 'a.ducha');
    const [fact] = await store.dashboardFacts();
    expect(fact?.rubricFingerprint).toBe(rubricFingerprint(kf01));
    const found = await open().rubricsFor([
      { auditId: id, rubricFingerprint: rubricFingerprint(kf01) },
      // Neither stored nor imported: nothing is made up for it.
      { auditId: 'no-such-audit', rubricFingerprint: 'sha256:00' },
    ]);
    expect([...found.keys()]).toEqual([rubricFingerprint(kf01)]);
    expect(found.get(rubricFingerprint(kf01))).toEqual(kf01);
    expect(findNode(kf01, '4')?.standard).toMatch(/^▲使用规范用语/);
  });

  it('a file that is not a bundle writes nothing', async () => {
    const store = open();
    for (const input of [
      { hello: 'world' },
      [],
      'text',
      { format: 'ducha.bundle', version: 2, createdAt: '2026-11-30T00:00:00.000Z', audits: [] },
    ]) {
      const result = await store.importBundle(input, 'x.json');
      expect(result.ok).toBe(false);
    }
    expect(await store.dashboardFacts()).toEqual([]);
  });

  it('a zip bundle: an image no audit names is reported beside the report; a hidden local copy refuses the file and writes nothing', async () => {
    const id = '0f6c2b1a-1111-4aaa-8bbb-000000000031';
    const envelope = await sealedAudit(id, 'kf01-mixed', '甲管理处');
    const files = unzipSync(writeBundleV2([{ envelope, images: imagesOf() }], '2026-11-30T00:00:00.000Z'));
    const entries: CraftEntry[] = Object.entries(files).map(([name, data]) => ({ name, data }));
    const stray = Uint8Array.of(0xff, 0xd8, 0xff, 0xd9);
    const store = open();
    await enrolled(store, tablet, '前台平板 1');

    const auditName = `audits/${id}.json`;
    const hidden = entries.map((e) => (e.name === auditName ? { ...e, before: localEntry({ name: auditName, data: strToU8('{}') }) } : e));
    const refused = await store.importBundleFile(bytesSource(craftZip(hidden)), 'hidden.ducha');
    expect(refused.ok ? 'imported' : refused.issues.map((i) => [i.problem.code, i.problem.entry])).toEqual([['zipMalformed', auditName]]);
    expect(await store.dashboardFacts()).toEqual([]);

    const result = await store.importBundleFile(
      bytesSource(craftZip([...entries, { name: `images/${sha256Hex(stray)}`, data: stray }])),
      'stray.ducha',
    );
    if (!result.ok) throw new Error(result.issues[0]?.message);
    expect(result.value.accepted.map((a) => a.auditId)).toEqual([id]);
    expect(result.value.unusedEntries).toEqual([
      {
        entry: `images/${sha256Hex(stray)}`,
        reason: `images/${sha256Hex(stray)} is named by no audit in the manifest; it is ignored`,
        problem: { code: 'unusedEntry', entry: `images/${sha256Hex(stray)}` },
      },
    ]);
  });

  it('exports this device’s finalised audits as a bundle that another device imports and verifies', async () => {
    const db = new DuchaDb(dbName);
    const audits = new AuditStore(db);
    const header = await audits.createAudit({
      rubric: kf01,
      site: { name: '丙管理处', code: 'gz-07' },
      auditor: '王小明',
      auditedAt: '2026-11-24T02:00:00.000Z',
      mode: 'onsite',
    });
    for (const unit of kf01.items)
      await audits.saveGrade(header.id, unit.id, unit.id === '7' ? 'partly' : 'compliant');
    const strokes = [
      [
        [0.1, 0.1],
        [0.5, 0.5],
      ],
    ];
    const jpeg = new Blob([Uint8Array.from(photoBlue)], { type: 'image/jpeg' });
    await audits.confirmSignature(header.id, 'auditor', { name: '王小明', strokes, image: jpeg });
    await audits.confirmSignature(header.id, 'siteManager', { name: '李国强', strokes, image: jpeg });
    await audits.finalise(header.id);
    const bundle: Bundle = await new HeadOfficeStore(db, audits, webCryptoVerifier).exportBundle([header.id]);
    expect(await audits.countUnexported()).toBe(1); // made, not yet handed over: the app marks it after the download
    await audits.markExported([header.id]);
    expect(await audits.countUnexported()).toBe(0);

    const otherName = `${dbName}-hq`;
    const otherDb = new DuchaDb(otherName);
    const hq = new HeadOfficeStore(otherDb, new AuditStore(otherDb), webCryptoVerifier);
    const tabletKey = await getDeviceSigner(db, () => '2026-11-01T00:00:00.000Z');
    await enrolled(hq, tabletKey, '丙区平板');
    const result = await hq.importBundle(JSON.parse(JSON.stringify(bundle)), 'tablet.ducha');
    expect(result.ok && result.value.accepted).toHaveLength(1);
    // 7: 25 × 0.6 = 15 → 90 of 100
    expect((await hq.dashboardFacts()).map((f) => [f.siteKey, f.percentTenths])).toEqual([
      ['code:GZ-07', 900],
    ]);
    await Dexie.delete(otherName);
  });
});

describe('what an import keeps', () => {
  it('keeps each rubric once and the images as bytes, and gives back each envelope exactly as sealed', async () => {
    const first = await sealedAudit('0f6c2b1a-1111-4aaa-8bbb-000000000001', 'kf01-mixed', '甲管理处');
    const second = await sealedAudit('0f6c2b1a-1111-4aaa-8bbb-000000000002', 'kf01-all-compliant', '乙管理处');
    const store = open();
    await enrolled(store, tablet, '前台平板 1');
    const result = await store.importBundle(bundleOf([entryOf(first), entryOf(second)]), 'a.ducha');
    expect(result.ok && result.value.accepted).toHaveLength(2);
    const db = new DuchaDb(dbName);
    expect((await db.importRubrics.toArray()).map((r) => r.fingerprint)).toEqual([first.payload.audit.rubricFingerprint]);
    const row = await db.imports.get(first.payload.audit.id);
    expect(row?.rubricFingerprint).toBe(first.payload.audit.rubricFingerprint);
    expect(JSON.stringify(row?.envelope)).not.toContain('"rubric"');
    expect(await db.blobs.count()).toBe(0);
    for (const envelope of [first, second]) {
      const back = await store.importedAudit(envelope.payload.audit.id);
      expect(back?.envelope).toEqual(envelope);
      expect(await verifyEnvelope(back?.envelope, webCryptoVerifier, back?.images)).toMatchObject({ status: 'valid' });
      expect([...(back?.images.keys() ?? [])].sort()).toEqual([...imagesOf().keys()].sort());
      expect(back?.images.get('photo-1')).toEqual(imagesOf().get('photo-1'));
    }
    db.close();
  });

  it('still reads an audit imported before v8: whole envelope, images as Blobs', async () => {
    const envelope = await sealedAudit('0f6c2b1a-1111-4aaa-8bbb-000000000003', 'kf01-mixed', '丙管理处');
    const db = new DuchaDb(dbName);
    const id = envelope.payload.audit.id;
    await db.imports.put({ auditId: id, hash: envelope.hash, lineageId: id, envelope, importedAt: SEALED_AT, source: 'old.ducha' });
    for (const [blobId, bytes] of imagesOf())
      await db.blobs.put({
        id: `${id}:${blobId}`,
        auditId: id,
        kind: blobId.startsWith('sig') ? 'signature' : 'photo',
        blob: new Blob([Uint8Array.from(bytes)], { type: 'image/jpeg' }),
        type: 'image/jpeg',
        size: bytes.length,
        createdAt: SEALED_AT,
      });
    const back = await open().importedAudit(id);
    expect(back?.envelope).toEqual(envelope);
    expect(await verifyEnvelope(back?.envelope, webCryptoVerifier, back?.images)).toMatchObject({ status: 'valid' });
    await open().removeImport(id);
    expect(await db.blobs.count()).toBe(0);
    db.close();
  });
});

describe('removing an imported audit', () => {
  it('removes its import, facts and images in one go, and never touches this device’s own audits', async () => {
    const imported = await sealedAudit('0f6c2b1a-1111-4aaa-8bbb-000000000001', 'kf01-mixed', '甲管理处');
    const store = open();
    await enrolled(store, tablet, '前台平板 1');
    const result = await store.importBundle(bundleOf([entryOf(imported)]), 'a.ducha');
    expect(result.ok && result.value.accepted).toHaveLength(1);
    const db = new DuchaDb(dbName);
    const local = new AuditStore(db);
    const own = await local.createAudit({
      rubric: kf01,
      site: { name: '本机单位' },
      auditor: '王小明',
      auditedAt: '2026-11-24T02:00:00.000Z',
      mode: 'onsite',
    });
    await local.addPhoto(own.id, '7', new Blob([Uint8Array.from(photoBlue)], { type: 'image/jpeg' }));
    const importedId = imported.payload.audit.id;
    expect(await db.importImages.where('auditId').equals(importedId).count()).toBe(3);
    expect(await store.isImported(importedId)).toBe(true);
    expect(await store.isImported(own.id)).toBe(false);

    const before = await store.dashboardFacts();
    expect(before).toHaveLength(1);
    await store.removeImport(importedId);
    expect(await store.dashboardFacts()).toEqual([]);
    // A drill-down still holding the old summaries gets nothing back for the removed audit, not an error.
    expect(await store.withUnits(before)).toEqual([]);
    expect(await store.isImported(importedId)).toBe(false);
    expect(await db.importImages.where('auditId').equals(importedId).count()).toBe(0);
    expect(await store.importedAudit(importedId)).toBeUndefined();
    expect(await db.blobs.where('auditId').equals(own.id).count()).toBe(1);
    expect((await local.getAudit(own.id))?.answers[0]?.photoIds).toHaveLength(1);
    // A local audit is not an import: there is nothing to remove, and it stays.
    const refused: unknown = await store.removeImport(own.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(await local.getHeader(own.id)).toBeDefined();
    db.close();
  });
});

describe('known signers', () => {
  const id = (n: number) => `0f6c2b1a-2222-4aaa-8bbb-00000000000${String(n)}`;

  it('holds an audit signed by a key nobody enrolled (待确认签名), and counts it once the key is enrolled', async () => {
    const store = open();
    const envelope = await sealedAudit(id(1), 'kf01-mixed', '甲管理处');
    const result = await store.importBundle(bundleOf([entryOf(envelope)]), 'a.ducha');
    expect(result.ok && result.value).toMatchObject({
      accepted: [],
      held: [{ auditId: id(1), reason: 'unknown-key', signer: keyId(tablet.publicKey) }],
    });
    expect(await store.dashboardFacts()).toEqual([]);
    expect(await store.heldAudits()).toMatchObject([
      {
        auditId: id(1),
        siteName: '甲管理处',
        rubricId: 'KF01',
        revision: 1,
        reason: 'unknown-key',
        source: 'a.ducha',
      },
    ]);

    const enrolment = await open().enrol(await keyFileOf(tablet, '前台平板 3'), {
      fingerprint: keyFingerprint(tablet.publicKey),
    });
    expect(enrolment.ok && enrolment.value.key).toMatchObject({
      deviceLabel: '前台平板 3',
      auditor: '王小明',
    });
    expect(enrolment.ok && enrolment.value.report.accepted.map((a) => a.auditId)).toEqual([id(1)]);
    expect(await open().heldAudits()).toEqual([]);
    expect((await open().dashboardFacts()).map((f) => [f.auditId, f.signer])).toEqual([
      [id(1), keyId(tablet.publicKey)],
    ]);
  });

  it('refuses to enrol a key whose fingerprint was not confirmed, and reading a key file enrols nothing', async () => {
    const store = open();
    const file = await keyFileOf(tablet, '前台平板 3');
    const read = await store.readKeyFile(file);
    expect(read.ok && read.value.fingerprint).toBe(keyFingerprint(tablet.publicKey));
    const someoneElse = keyFingerprint((await nodeSigner()).publicKey);
    for (const fingerprint of [someoneElse, '', keyFingerprint(tablet.publicKey).slice(0, 9)]) {
      const result = await store.enrol(file, { fingerprint });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.issues[0]?.path).toBe('fingerprint');
    }
    expect(await store.keys()).toEqual([]);
  });

  it('refuses an audit sealed by a revoked key after its revocation, and keeps the one sealed before', async () => {
    const store = open(); // now = 2026-11-30T00:00:00.000Z
    await enrolled(store, tablet, '前台平板 3');
    const revoked = await store.revoke(keyFingerprint(tablet.publicKey), '平板丢失');
    expect(revoked.ok && revoked.value).toMatchObject({
      revokedAt: '2026-11-30T00:00:00.000Z',
      revokedReason: '平板丢失',
    });
    const before = await sealWith(tablet, auditOf(id(1), 'kf01-mixed', '甲管理处'), {
      sealedAt: '2026-11-29T08:00:00.000Z',
    });
    const after = await sealWith(tablet, auditOf(id(2), 'kf01-mixed', '乙管理处'), {
      sealedAt: '2026-12-01T08:00:00.000Z',
    });
    const result = await store.importBundle(bundleOf([entryOf(before), entryOf(after)]), 'a.ducha');
    expect(result.ok && result.value.accepted.map((a) => a.auditId)).toEqual([id(1)]);
    expect(result.ok && result.value.refused).toEqual([
      expect.objectContaining({ index: 1, auditId: id(2), kind: 'revoked' }),
    ]);
    expect((await store.dashboardFacts()).map((f) => f.auditId)).toEqual([id(1)]);
    // Revoked stays revoked: the same key file cannot bring it back.
    const again = await store.enrol(await keyFileOf(tablet, '前台平板 3'), {
      fingerprint: keyFingerprint(tablet.publicKey),
    });
    expect(again.ok).toBe(false);
  });

  it('records a forged revision 2 by another enrolled key as a conflict with both sides; the genuine audit stays compared', async () => {
    const forger = await nodeSigner();
    const store = open();
    await enrolled(store, tablet, '前台平板 3');
    await enrolled(store, forger, '前台平板 9');
    const genuine = await sealedAudit(id(1), 'kf01-mixed', '甲管理处');
    const forged = await sealWith(
      forger,
      {
        ...auditOf(id(2), 'kf01-all-compliant', '甲管理处'),
        lineageId: id(1),
        revision: 2,
        previousId: id(1),
        amendReason: '更正',
      },
      { previousHash: sha256Hex(new TextEncoder().encode('not the genuine seal')) },
    ); // a revision 2 without previousHash is refused as malformed
    await store.importBundle(bundleOf([entryOf(genuine)]), 'a.ducha');
    const result = await store.importBundle(bundleOf([entryOf(forged)]), 'forged.ducha');
    const both = {
      auditId: id(2),
      revision: 2,
      incomingHash: forged.hash,
      incomingSigner: keyId(forger.publicKey),
      existing: {
        auditId: id(1),
        revision: 1,
        hash: genuine.hash,
        signer: keyId(tablet.publicKey),
      },
      source: 'forged.ducha',
    };
    expect(result.ok && result.value.accepted).toEqual([]);
    expect(result.ok && result.value.conflicts).toMatchObject([both]);
    expect(await store.conflictRecords()).toMatchObject([both]);
    // kf01-mixed 63 / 95 = 66.3 %, not the forged 100 %.
    expect((await store.dashboardFacts()).map((f) => [f.auditId, f.percentTenths])).toEqual([[id(1), 663]]);
  });

  it('counts a sealed audit of this device without enrolment', async () => {
    const db = new DuchaDb(dbName);
    const own = await getDeviceSigner(db, () => '2026-11-01T00:00:00.000Z');
    const store = new HeadOfficeStore(
      db,
      new AuditStore(db),
      webCryptoVerifier,
      () => '2026-11-30T00:00:00.000Z',
    );
    expect(await store.ownKeyId()).toBe(keyId(own.publicKey));
    const envelope = await sealWith(own, auditOf(id(1), 'kf01-mixed', '甲管理处'));
    const result = await store.importBundle(bundleOf([entryOf(envelope)]), 'own.ducha');
    expect(result.ok && result.value.accepted.map((a) => a.signer)).toEqual([keyId(own.publicKey)]);
    expect(await store.keys()).toEqual([]);
    expect(await store.heldAudits()).toEqual([]);
  });
});

describe('the dashboard facts snapshot', () => {
  const id = (n: number) => `0f6c2b1a-3333-4aaa-8bbb-00000000000${String(n)}`;
  const snapshotRow = async () => {
    const db = new DuchaDb(dbName);
    try {
      return await db.settings.get(DASHBOARD_SNAPSHOT_KEY);
    } finally {
      db.close();
    }
  };
  /** What the dashboard reads without any snapshot: a store that has never seen one, the row removed. */
  const slowPath = async () => {
    const db = new DuchaDb(dbName);
    try {
      const saved = await db.settings.get(DASHBOARD_SNAPSHOT_KEY);
      await db.settings.delete(DASHBOARD_SNAPSHOT_KEY);
      const store = new HeadOfficeStore(db, new AuditStore(db), webCryptoVerifier);
      const facts = await store.dashboardFacts();
      expect(store.isSnapshotStale).toBe(true);
      if (saved) await db.settings.put(saved);
      return facts;
    } finally {
      db.close();
    }
  };

  it('gives exactly the facts the rows give, and an import or a removal makes it stale in the same transaction', async () => {
    const store = open();
    await enrolled(store, tablet, '前台平板 1');
    await store.importBundle(
      bundleOf([
        entryOf(await sealedAudit(id(1), 'kf01-mixed', '甲管理处')),
        entryOf(await sealWith(tablet, { ...auditOf(id(2), 'kf01-all-compliant', '乙管理处'), site: { id: 's2', name: '乙管理处', code: 'bgy-001', region: '华南' } })),
      ]),
      'a.ducha',
    );
    expect(await snapshotRow()).toBeUndefined();
    expect(await store.refreshDashboardSnapshot()).toBe(true);
    // Nothing changed since: nothing to write.
    expect(await store.refreshDashboardSnapshot()).toBe(false);

    const fresh = open();
    const fromSnapshot = await fresh.dashboardFacts();
    expect(fresh.isSnapshotStale).toBe(false);
    expect(fromSnapshot.map((f) => [f.auditId, f.siteKey, f.region, f.percentTenths])).toEqual([
      [id(1), 'name:甲管理处', undefined, 663], // kf01-mixed 63 / 95
      [id(2), 'code:BGY-001', '华南', 1000],
    ]);
    expect(fromSnapshot).toEqual(await slowPath());

    // A new import deletes the snapshot with the facts it writes; the store reads the rows until it is made again.
    await store.importBundle(bundleOf([entryOf(await sealedAudit(id(3), 'kf01-mixed', '丙管理处'))]), 'b.ducha');
    expect(await snapshotRow()).toBeUndefined();
    const afterImport = await fresh.dashboardFacts();
    expect(fresh.isSnapshotStale).toBe(true);
    expect(afterImport.map((f) => f.auditId)).toEqual([id(1), id(2), id(3)]);
    expect(await fresh.refreshDashboardSnapshot()).toBe(true);
    expect(await open().dashboardFacts()).toEqual(afterImport);

    // So does removing an import.
    await store.removeImport(id(2));
    expect(await snapshotRow()).toBeUndefined();
    expect((await open().dashboardFacts()).map((f) => f.auditId)).toEqual([id(1), id(3)]);
    await store.refreshDashboardSnapshot();
    expect((await open().dashboardFacts()).map((f) => f.auditId)).toEqual([id(1), id(3)]);

    // Revoking a key changes no fact (audits sealed before stay compared): the snapshot stays and still agrees.
    expect((await store.revoke(keyFingerprint(tablet.publicKey), '平板丢失')).ok).toBe(true);
    expect(await snapshotRow()).toBeDefined();
    const afterRevoke = open();
    expect(await afterRevoke.dashboardFacts()).toEqual(await slowPath());
    expect(afterRevoke.isSnapshotStale).toBe(false);
  });

  it('ignores a snapshot that does not match the facts table or is not one, and reads the rows instead', async () => {
    const store = open();
    await enrolled(store, tablet, '前台平板 1');
    await store.importBundle(bundleOf([entryOf(await sealedAudit(id(1), 'kf01-mixed', '甲管理处'))]), 'a.ducha');
    await store.refreshDashboardSnapshot();
    const good = await snapshotRow();
    const db = new DuchaDb(dbName);
    // Another writer left a fact behind the snapshot's back: the counts differ, so the rows are read.
    await db.facts.delete(id(1));
    const counted = open();
    expect(await counted.dashboardFacts()).toEqual([]);
    expect(counted.isSnapshotStale).toBe(true);
    db.close();
    await Dexie.delete(dbName);
    // A broken snapshot with the right count: decoded, refused, rows read.
    const again = open();
    await enrolled(again, tablet, '前台平板 1');
    await again.importBundle(bundleOf([entryOf(await sealedAudit(id(1), 'kf01-mixed', '甲管理处'))]), 'a.ducha');
    const db2 = new DuchaDb(dbName);
    await db2.settings.put({ key: DASHBOARD_SNAPSHOT_KEY, value: { version: 1, columns: { count: 1, strings: 'x' } } });
    const broken = open();
    expect((await broken.dashboardFacts()).map((f) => f.auditId)).toEqual([id(1)]);
    expect(broken.isSnapshotStale).toBe(true);
    // …and made whole again.
    expect(await broken.refreshDashboardSnapshot()).toBe(true);
    expect((await db2.settings.get(DASHBOARD_SNAPSHOT_KEY))?.value).toEqual(good?.value);
    db2.close();
  });
});
