import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64Url, type Bundle, type SealedEnvelope } from '../domain/index';
import { webCryptoVerifier } from '../crypto/webcrypto-verifier';
import { loadGrades, loadRubric } from '../../tests/support/load';
import { finalisedAudit, imagesOf, sealed } from '../../tests/support/sealed-audit';
import { AuditStore } from './audit-store';
import { DuchaDb } from './db';
import { HeadOfficeStore } from './head-office-store';

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

async function sealedAudit(id: string, fixture: string, site: string): Promise<SealedEnvelope> {
  const audit = {
    ...finalisedAudit(
      kf01,
      { ...loadGrades(kf01, fixture) },
      { photoUnit: '7', notes: { '4': '未主动致歉' } },
    ),
    id,
    lineageId: id,
    site: { id: 's', name: site },
  };
  return sealed(kf01, audit);
}

beforeEach(() => {
  dbName = `ducha-ho-${Math.random().toString(36).slice(2)}`;
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
    const first = await store.importBundle(bundle, 'a.ducha');
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.stored.map((s) => s.siteName)).toEqual(['甲管理处']);
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
    expect(facts[0]?.units.find((u) => u.id === '4')).toMatchObject({
      grade: 'non_compliant',
      note: '未主动致歉',
    });

    const again = await open().importBundle(bundle, 'a.ducha');
    expect(again.ok && again.value).toMatchObject({
      stored: [],
      unchanged: ['0f6c2b1a-1111-4aaa-8bbb-000000000001'],
      conflicts: [],
    });
    expect(await open().dashboardFacts()).toHaveLength(1);
  });

  it('the same audit id with a different content is a conflict: shown, and the stored one is kept', async () => {
    const id = '0f6c2b1a-1111-4aaa-8bbb-000000000003';
    const original = await sealedAudit(id, 'kf01-mixed', '甲管理处');
    const different = await sealedAudit(id, 'kf01-all-compliant', '甲管理处');
    const store = open();
    await store.importBundle(bundleOf([entryOf(original)]), 'a.ducha');
    const result = await store.importBundle(bundleOf([entryOf(different)]), 'b.ducha');
    expect(result.ok && result.value.conflicts).toEqual([
      { auditId: id, siteName: '甲管理处', existingHash: original.hash, incomingHash: different.hash },
    ]);
    expect((await store.dashboardFacts())[0]?.earnedH).toBe(6300);
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
    const jpeg = new Blob([Uint8Array.from([0xff, 0xd8, 1, 0xff, 0xd9])], { type: 'image/jpeg' });
    await audits.confirmSignature(header.id, 'auditor', { name: '王小明', strokes, image: jpeg });
    await audits.confirmSignature(header.id, 'siteManager', { name: '李国强', strokes, image: jpeg });
    await audits.finalise(header.id);
    const bundle: Bundle = await new HeadOfficeStore(db, audits, webCryptoVerifier).exportBundle([header.id]);
    expect(await audits.countUnexported()).toBe(0);

    const otherName = `${dbName}-hq`;
    const otherDb = new DuchaDb(otherName);
    const hq = new HeadOfficeStore(otherDb, new AuditStore(otherDb), webCryptoVerifier);
    const result = await hq.importBundle(JSON.parse(JSON.stringify(bundle)), 'tablet.ducha');
    expect(result.ok && result.value.stored).toHaveLength(1);
    // 7: 25 × 0.6 = 15 → 90 of 100
    expect((await hq.dashboardFacts()).map((f) => [f.siteKey, f.percentTenths])).toEqual([
      ['code:GZ-07', 900],
    ]);
    await Dexie.delete(otherName);
  });
});
