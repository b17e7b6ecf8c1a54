import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  gradedUnits,
  keyFingerprint,
  parseRubric,
  rubricFingerprint,
  verifyEnvelope,
  type Rubric,
} from '../domain/index';
import { webCryptoVerifier } from '../crypto/webcrypto-verifier';
import { AuditStore, type NewAudit } from './audit-store';
import { DuchaDb, schemaVersions } from './db';
import { StorageError, toStorageError } from './storage-error';

function shippedRubric(id: string): Rubric {
  const result = parseRubric(
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rubrics', `${id}.json`), 'utf8')),
  );
  if (!result.ok) throw new Error(id);
  return result.value;
}
const kf02 = shippedRubric('KF02');
const kf02Units = gradedUnits(kf02).map((u) => u.id);
const strokes = [
  [
    [0.1, 0.2],
    [0.4, 0.5],
  ],
];
const png = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])], { type: 'image/png' });

let dbName: string;
let tick: number;
const clock = () => new Date(Date.UTC(2026, 10, 24, 2, 0, tick++)).toISOString();
const open = () => new AuditStore(new DuchaDb(dbName), clock);
const newAudit = (over: Partial<NewAudit> = {}): NewAudit => ({
  rubric: kf02,
  site: { name: '碧桂园·燊城管理处', code: 'SZ-01', region: '华南' },
  auditor: '王堃',
  auditedAt: '2026-11-24T09:30:00.000Z',
  mode: 'covert',
  ...over,
});
const expectStorageError = async (promise: Promise<unknown>, kind: StorageError['kind']) => {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  if (error instanceof StorageError) expect(error.kind).toBe(kind);
};

beforeEach(() => {
  dbName = `ducha-test-${Math.random().toString(36).slice(2)}`;
  tick = 0;
});
afterEach(async () => {
  await Dexie.delete(dbName);
});

describe('AuditStore', () => {
  it('restores every grade, note, photo and signature after reopening the database', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    await store.saveGrade(audit.id, '1.1', 'compliant');
    await store.saveGrade(audit.id, '1.2', 'mostly');
    await store.saveGrade(audit.id, '8', 'na');
    await store.saveNote(audit.id, '1.2', '工牌未佩戴端正');
    const photo = new Blob([Uint8Array.from({ length: 3000 }, (_, i) => (i < 3 ? [0xff, 0xd8, 0xff][i] ?? 7 : 7))], { type: 'image/jpeg' });
    const photoId = await store.addPhoto(audit.id, '1.2', photo);
    await store.saveSignatureDraft(audit.id, 'auditor', { name: '王堃', strokes });
    store.db.close();

    const reopened = open();
    const stored = await reopened.getAudit(audit.id);
    expect(stored?.answers.map((a) => [a.unitId, a.grade, a.note, a.photoIds])).toEqual([
      ['1.1', 'compliant', '', []],
      ['1.2', 'mostly', '工牌未佩戴端正', [photoId]],
      ['8', 'na', '', []],
    ]);
    const blob = await reopened.getBlob(photoId);
    expect(blob?.size).toBe(3000);
    expect(blob?.type).toBe('image/jpeg');
    expect(stored?.header.signatures.auditor).toEqual({ name: '王堃', strokes });
    // 1.1 C 4 + 1.2 M 3.2 = 7.2 of 8; 8 不适用
    expect(stored?.score.earnedH).toBe(720);
    expect(stored?.score.possibleH).toBe(800);
    expect(await reopened.getRememberedAuditor()).toBe('王堃');
    expect((await reopened.listSites()).map((s) => [s.name, s.code, s.region])).toEqual([
      ['碧桂园·燊城管理处', 'SZ-01', '华南'],
    ]);
  });

  it('clears a grade and refuses grades for items with sub-items or unknown units', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    await store.saveGrade(audit.id, '7', 'partly');
    await store.saveGrade(audit.id, '7', undefined);
    expect((await store.getAudit(audit.id))?.answers).toEqual([
      expect.objectContaining({ unitId: '7', note: '' }),
    ]);
    expect((await store.getAudit(audit.id))?.answers[0]?.grade).toBeUndefined();
    await expectStorageError(store.saveGrade(audit.id, '1', 'compliant'), 'invalid');
    await expectStorageError(store.saveGrade(audit.id, '9', 'compliant'), 'invalid');
    await expectStorageError(
      store.saveGrade('00000000-0000-4000-8000-000000000000', '7', 'compliant'),
      'not_found',
    );
  });

  it('keeps a KPI figure in the answer (no new schema version), scores it, and refuses what the metric refuses', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit({ rubric: shippedRubric('KPI-CC'), mode: 'onsite' }));
    await store.saveFigure(audit.id, '1', 96.5);
    await store.saveFigure(audit.id, '2', 1750);
    // 40 × 96.5 / 98 = 39.387… → 39.39; 1750 calls: 10 − 4 = 6.
    expect((await store.getAudit(audit.id))?.score.earnedH).toBe(3939 + 600);
    await expectStorageError(store.saveFigure(audit.id, '1', 100.01), 'invalid');
    await expectStorageError(store.saveFigure(audit.id, '4', 1.5), 'invalid');
    await expectStorageError(store.saveFigure(audit.id, '1', 96.555), 'invalid');
    await expectStorageError(store.saveGrade(audit.id, '1', 'compliant'), 'invalid');
    // What was saved before a refused figure is still there.
    expect((await store.getAudit(audit.id))?.answers.map((a) => [a.unitId, a.figure])).toEqual([
      ['1', 96.5],
      ['2', 1750],
    ]);
    await store.saveFigure(audit.id, '2', undefined);
    expect((await store.getAudit(audit.id))?.score.missing).toEqual(['2', '3', '4']);
  });

  it('two tabs grading and signing the same audit do not overwrite each other', async () => {
    const tabA = open();
    const audit = await tabA.createAudit(newAudit());
    const tabB = open();
    await Promise.all([
      tabA.saveGrade(audit.id, '1.1', 'compliant'),
      tabB.saveGrade(audit.id, '1.2', 'partly'),
      tabA.saveNote(audit.id, '1.1', 'A 的备注'),
      tabB.saveNote(audit.id, '2.1', 'B 的备注'),
      tabA.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() }),
      tabB.confirmSignature(audit.id, 'siteManager', { name: '李喆', strokes, image: png() }),
    ]);
    const stored = await open().getAudit(audit.id);
    expect(stored?.answers.map((a) => [a.unitId, a.grade ?? null, a.note])).toEqual([
      ['1.1', 'compliant', 'A 的备注'],
      ['1.2', 'partly', ''],
      ['2.1', null, 'B 的备注'],
    ]);
    expect(stored?.header.signatures.auditor?.name).toBe('王堃');
    expect(stored?.header.signatures.siteManager?.name).toBe('李喆');
  });

  it('refuses an empty signature pad or an empty name', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    await expectStorageError(
      store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes: [], image: png() }),
      'invalid',
    );
    await expectStorageError(
      store.confirmSignature(audit.id, 'auditor', { name: '  ', strokes, image: png() }),
      'invalid',
    );
    expect((await store.getHeader(audit.id))?.signatures).toEqual({});
  });

  it('finalises only a complete, signed audit, then locks it; amending makes revision 2 and leaves revision 1 as it was', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    const units = [
      '1.1',
      '1.2',
      '1.3',
      '2.1',
      '2.2',
      '2.3',
      '2.4',
      '2.5',
      '2.6',
      '3.1',
      '3.2',
      '3.3',
      '3.4',
      '3.5',
      '3.6',
      '4.1',
      '4.2',
      '4.3',
      '4.4',
      '5.1',
      '5.2',
      '6.1',
      '6.2',
      '7',
      '8',
    ];
    for (const unit of units) await store.saveGrade(audit.id, unit, 'compliant');
    await expectStorageError(store.finalise(audit.id), 'invalid'); // unsigned
    await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() });
    await store.confirmSignature(audit.id, 'siteManager', { name: '李喆', strokes, image: png() });
    const final = await store.finalise(audit.id);
    expect(final.status).toBe('finalised');

    const before = await store.getAudit(audit.id);
    await expectStorageError(store.saveGrade(audit.id, '7', 'non_compliant'), 'locked');
    await expectStorageError(store.saveNote(audit.id, '7', 'x'), 'locked');
    await expectStorageError(store.addPhoto(audit.id, '7', png()), 'locked');
    await expectStorageError(store.saveSignatureDraft(audit.id, 'auditor', { name: 'x', strokes }), 'locked');
    await expectStorageError(store.finalise(audit.id), 'locked');

    const rev2 = await store.amend(audit.id, '7 主动协助 应为基本符合');
    expect(rev2).toMatchObject({
      revision: 2,
      previousId: audit.id,
      lineageId: audit.id,
      status: 'draft',
      signatures: {},
    });
    await store.saveGrade(rev2.id, '7', 'mostly');
    await expectStorageError(store.amend(audit.id, 'again'), 'invalid');

    const after = await store.getAudit(audit.id);
    expect(after).toEqual(before);
    expect(after?.score.earnedH).toBe(10000);
    expect((await store.getAudit(rev2.id))?.score.earnedH).toBe(9900); // 7: 5 → 4

    const list = await store.listAudits();
    expect(list).toHaveLength(1);
    expect(list[0]?.header.id).toBe(rev2.id);
    expect(list[0]?.history.map((h) => [h.revision, h.status])).toEqual([
      [2, 'draft'],
      [1, 'finalised'],
    ]);
  });

  it('seals on finalising: the envelope verifies with the stored images; revision 2 points at revision 1', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    for (const unit of kf02Units)
      await store.saveGrade(audit.id, unit, unit === '3.4' ? 'partly' : 'compliant');
    const photo = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 5, 6, 7, 0xff, 0xd9])], { type: 'image/jpeg' });
    const photoId = await store.addPhoto(audit.id, '3.4', photo);
    await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() });
    await store.confirmSignature(audit.id, 'siteManager', { name: '李喆', strokes, image: png() });
    await store.finalise(audit.id);

    const envelope = await store.getSeal(audit.id);
    expect(envelope?.payload.score).toMatchObject({ earnedH: 9800, possibleH: 10000, percentTenths: 980 }); // 3.4: 5 → 3
    expect(envelope?.payload.blobs.map((b) => b.kind)).toEqual(['photo', 'signature', 'signature']);
    const bytes = new Map<string, Uint8Array>();
    for (const blob of envelope?.payload.blobs ?? []) {
      const stored = await store.getBlob(blob.id);
      if (stored) bytes.set(blob.id, new Uint8Array(await stored.arrayBuffer()));
    }
    expect(bytes.has(photoId)).toBe(true);
    expect(await verifyEnvelope(envelope, webCryptoVerifier, bytes)).toMatchObject({ status: 'valid' });

    const fingerprint = await store.deviceKeyFingerprint();
    expect(await open().deviceKeyFingerprint()).toBe(fingerprint);
    expect(keyFingerprint(envelope?.payload.publicKey ?? { kty: 'EC', crv: 'P-256', x: '', y: '' })).toBe(
      fingerprint,
    );

    const rev2 = await store.amend(audit.id, '3.4 复核后为基本符合');
    await store.saveGrade(rev2.id, '3.4', 'mostly');
    await store.confirmSignature(rev2.id, 'auditor', { name: '王堃', strokes, image: png() });
    await store.confirmSignature(rev2.id, 'siteManager', { name: '李喆', strokes, image: png() });
    await store.finalise(rev2.id);
    const sealed2 = await store.getSeal(rev2.id);
    expect(sealed2?.payload.previousHash).toBe(envelope?.hash);
    expect(sealed2?.payload.score.earnedH).toBe(9900);
    expect(await store.getSeal(audit.id)).toEqual(envelope);
  });

  it('keeps the rubric an audit was scored against, whatever the rubric files say later', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    await store.saveGrade(audit.id, '7', 'compliant');
    const edited: Rubric = {
      ...kf02,
      items: kf02.items.map((i) => (i.id === '7' ? { ...i, points: 50 } : i)),
    };
    await store.createAudit(newAudit({ rubric: edited }));
    const stored = await open().getAudit(audit.id);
    expect(stored?.header.rubricFingerprint).toBe(rubricFingerprint(kf02));
    expect(stored?.rubric.items.find((i) => i.id === '7')?.points).toBe(5);
    expect(stored?.score.earnedH).toBe(500);
  });

  it('lists audits newest first and counts finalised audits not yet exported', async () => {
    const store = open();
    const older = await store.createAudit(
      newAudit({ auditedAt: '2026-11-01T09:00:00.000Z', site: { name: '甲' } }),
    );
    const newer = await store.createAudit(
      newAudit({ auditedAt: '2026-11-20T09:00:00.000Z', site: { name: '乙' } }),
    );
    expect((await store.listAudits()).map((e) => e.header.id)).toEqual([newer.id, older.id]);
    expect(await store.countUnexported()).toBe(0);
    await store.db.audits.update(older.id, { status: 'finalised', finalisedAt: clock() });
    expect(await store.countUnexported()).toBe(1);
    await store.markExported([older.id]);
    expect(await store.countUnexported()).toBe(0);
  });

  it('counts exported only once marked, per revision: making the export marks nothing, and 更正 counts the unexported revision 1', async () => {
    const store = open();
    const finaliseSigned = async (id: string) => {
      await store.confirmSignature(id, 'auditor', { name: '王堃', strokes, image: png() });
      await store.confirmSignature(id, 'siteManager', { name: '李喆', strokes, image: png() });
      await store.finalise(id);
    };
    const audit = await store.createAudit(newAudit());
    for (const unit of kf02Units) await store.saveGrade(audit.id, unit, 'compliant');
    await finaliseSigned(audit.id);
    expect(await store.countUnexported()).toBe(1);

    // The file is made but (say) the download was cancelled: still unexported.
    const file = await store.exportAudit(audit.id);
    expect(file.envelope.payload.audit.id).toBe(audit.id);
    expect((await store.getHeader(audit.id))?.exportedAt).toBeUndefined();
    expect(await store.countUnexported()).toBe(1);

    // Corrected before it was ever exported: revision 1 still counts while revision 2 is a draft.
    const rev2 = await store.amend(audit.id, '3.4 复核后为基本符合');
    expect(await store.countUnexported()).toBe(1);
    await store.markExported([audit.id, rev2.id]); // a draft is never marked
    expect(await store.countUnexported()).toBe(0);
    expect((await store.getHeader(rev2.id))?.exportedAt).toBeUndefined();
    await finaliseSigned(rev2.id);
    expect(await store.countUnexported()).toBe(1);
    await store.markExported([rev2.id]);
    expect(await store.countUnexported()).toBe(0);
  });

  it('deletes an orphaned image in the same transaction that orphans it; a sealed revision keeps its own', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    const photo = () => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 0xff, 0xd9])], { type: 'image/jpeg' });
    const kept = await store.addPhoto(audit.id, '3.4', photo());
    const removed = await store.addPhoto(audit.id, '3.4', photo());
    await store.removePhoto(audit.id, '3.4', removed);
    expect(await store.getBlob(removed)).toBeUndefined();
    expect(await store.getBlob(kept)).toBeDefined();

    // Confirming again, or changing the name after confirming, replaces the signature image.
    const first = await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() });
    const second = await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() });
    expect(await store.getBlob(first.imageId ?? '')).toBeUndefined();
    expect(await store.getBlob(second.imageId ?? '')).toBeDefined();
    await store.saveSignatureDraft(audit.id, 'auditor', { name: '王堃堃', strokes });
    expect(await store.getBlob(second.imageId ?? '')).toBeUndefined();
    const third = await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() });
    await store.clearSignature(audit.id, 'auditor');
    expect(await store.getBlob(third.imageId ?? '')).toBeUndefined();
    expect(await store.db.blobs.where('auditId').equals(audit.id).count()).toBe(1); // only the kept photo

    // A failed write orphans nothing: the photo and its reference stay together.
    await expectStorageError(store.removePhoto(audit.id, 'no-such-unit', kept), 'invalid');
    expect(await store.getBlob(kept)).toBeDefined();

    // Revision 2 starts from revision 1's photos: removing one there keeps revision 1's file.
    for (const unit of kf02Units) await store.saveGrade(audit.id, unit, 'compliant');
    await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() });
    await store.confirmSignature(audit.id, 'siteManager', { name: '李喆', strokes, image: png() });
    await store.finalise(audit.id);
    const rev2 = await store.amend(audit.id, '照片拍错');
    await store.removePhoto(rev2.id, '3.4', kept);
    expect((await store.getAudit(rev2.id))?.answers.find((a) => a.unitId === '3.4')?.photoIds).toEqual([]);
    expect(await store.getBlob(kept)).toBeDefined();
  });

  it('refuses a signer name past 200 characters instead of cutting it', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    await expectStorageError(
      store.saveSignatureDraft(audit.id, 'auditor', { name: '王'.repeat(201), strokes }),
      'invalid',
    );
    await store.saveSignatureDraft(audit.id, 'auditor', { name: '王'.repeat(200), strokes });
    expect((await store.getHeader(audit.id))?.signatures.auditor?.name).toBe('王'.repeat(200));
  });

  it('deletes a draft with its answers and images; never a finalised revision', async () => {
    const store = open();
    const draft = await store.createAudit(newAudit());
    await store.saveNote(draft.id, '3.4', '草稿');
    await store.addPhoto(draft.id, '3.4', png());
    await store.deleteDraft(draft.id);
    expect(await store.getHeader(draft.id)).toBeUndefined();
    expect(await store.db.answers.where('auditId').equals(draft.id).count()).toBe(0);
    expect(await store.db.blobs.where('auditId').equals(draft.id).count()).toBe(0);

    const audit = await store.createAudit(newAudit());
    for (const unit of kf02Units) await store.saveGrade(audit.id, unit, 'compliant');
    await store.addPhoto(audit.id, '3.4', png());
    await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: png() });
    await store.confirmSignature(audit.id, 'siteManager', { name: '李喆', strokes, image: png() });
    await store.finalise(audit.id);
    await expectStorageError(store.deleteDraft(audit.id), 'locked');
    const rev2 = await store.amend(audit.id, '误操作');
    await store.deleteDraft(rev2.id);
    const rev1 = await store.getAudit(audit.id);
    expect(rev1?.header.status).toBe('finalised');
    expect(rev1?.answers.find((a) => a.unitId === '3.4')?.photoIds).toHaveLength(1);
    expect(await store.db.blobs.where('auditId').equals(audit.id).count()).toBe(3);
    expect((await store.listAudits()).map((e) => e.header.id)).toEqual([audit.id]);
  });

  it('reports a stored row that does not match the schema instead of trusting it', async () => {
    const store = open();
    const audit = await store.createAudit(newAudit());
    await store.db.audits.update(audit.id, { revision: -1 });
    await expectStorageError(store.getAudit(audit.id), 'corrupt');
  });
});

describe('schema upgrade', () => {
  it('opens a version-1 database with data in it and keeps every row, now queryable by the later indexes', async () => {
    const v1 = new Dexie(dbName);
    v1.version(1).stores(schemaVersions[1]);
    const seeded = new AuditStore(new DuchaDb(`${dbName}-seed`), clock);
    const header = await seeded.createAudit(newAudit());
    await seeded.saveGrade(header.id, '3.2', 'partly');
    const rows = {
      audits: await seeded.db.audits.toArray(),
      answers: await seeded.db.answers.toArray(),
      rubrics: await seeded.db.rubrics.toArray(),
      sites: await seeded.db.sites.toArray(),
    };
    seeded.db.close();
    await Dexie.delete(`${dbName}-seed`);
    await v1.open();
    expect(v1.verno).toBe(1);
    for (const [table, data] of Object.entries(rows)) await v1.table(table).bulkAdd(data);
    v1.close();

    const upgraded = new AuditStore(new DuchaDb(dbName), clock);
    await upgraded.db.open();
    expect(upgraded.db.verno).toBe(Math.max(...Object.keys(schemaVersions).map(Number)));
    expect(upgraded.db.verno).toBe(11);
    expect(await upgraded.db.seals.count()).toBe(0);
    expect(await upgraded.db.outbox.count()).toBe(0); // v10: nothing sealed in v1, so nothing to send
    expect(await upgraded.db.kpiMonths.count()).toBe(0);
    expect(await upgraded.db.imports.count()).toBe(0);
    const stored = await upgraded.getAudit(header.id);
    expect(stored?.answers.map((a) => [a.unitId, a.grade])).toEqual([['3.2', 'partly']]);
    expect(stored?.score.earnedH).toBe(300);
    expect(await upgraded.db.audits.where('[lineageId+revision]').equals([header.id, 1]).count()).toBe(1);
    expect(await upgraded.db.audits.where('site.name').equals('碧桂园·燊城管理处').count()).toBe(1);
  });
});

describe('schema upgrade v4 → v5', () => {
  it('moves the dashboard facts out of the v4 import rows into their own table', async () => {
    const v4 = new Dexie(dbName);
    v4.version(1).stores(schemaVersions[1]);
    v4.version(2).stores(schemaVersions[2]);
    v4.version(3).stores(schemaVersions[3]);
    v4.version(4).stores(schemaVersions[4]);
    const fact = {
      auditId: 'a1',
      rubricId: 'KF01',
      siteKey: 'name:甲',
      auditedAt: '2026-11-01T00:00:00.000Z',
      hash: 'h1',
    };
    await v4.table('imports').add({
      auditId: 'a1',
      hash: 'h1',
      lineageId: 'a1',
      envelope: {},
      fact,
      importedAt: 'x',
      source: 'b.ducha',
    });
    v4.close();
    const db = new DuchaDb(dbName);
    await db.open();
    expect(await db.facts.get('a1')).toEqual({
      auditId: 'a1',
      hash: 'h1',
      rubricId: 'KF01',
      siteKey: 'name:甲',
      auditedAt: '2026-11-01T00:00:00.000Z',
      fact,
    });
    expect((await db.imports.get('a1'))?.fact).toBeUndefined();
    db.close();
  });
});

describe('schema upgrade v5 → v6', () => {
  it('names the signer of every imported audit in its facts, from the envelope the import kept', async () => {
    const { loadRubric: load, loadGrades: grades } = await import('../../tests/support/load');
    const { finalisedAudit: audit, sealed: seal } = await import('../../tests/support/sealed-audit');
    const { auditFactFromEnvelope, keyId } = await import('../domain/index');
    const kf01 = load('KF01');
    const envelope = await seal(kf01, audit(kf01, { ...grades(kf01, 'kf01-mixed') }, { photoUnit: '7' }));
    // The fact exactly as v5 wrote it: no signer, no sealedAt.
    const { signer: _signer, sealedAt: _sealedAt, ...v5fact } = auditFactFromEnvelope(envelope);
    const v5 = new Dexie(dbName);
    for (const v of [1, 2, 3, 4, 5] as const) v5.version(v).stores(schemaVersions[v]);
    const auditId = envelope.payload.audit.id;
    await v5.table('imports').add({ auditId, hash: envelope.hash, lineageId: auditId, envelope, importedAt: 'x', source: 'b.ducha' });
    await v5.table('facts').add({ auditId, hash: envelope.hash, rubricId: 'KF01', siteKey: v5fact.siteKey, auditedAt: v5fact.auditedAt, fact: v5fact });
    v5.close();
    const db = new DuchaDb(dbName);
    await db.open();
    const row = await db.facts.get(auditId);
    // v6 named the signer; v8 then moved the units to their own table.
    const { units, ...v5summary } = v5fact;
    expect(row?.fact).toEqual({ ...v5summary, signer: keyId(envelope.payload.publicKey), sealedAt: envelope.payload.sealedAt });
    expect((await db.factUnits.get(auditId))?.units).toEqual(units);
    db.close();
  });
});

describe('a newer version opened in another tab', () => {
  it('tells the app at once and closes this connection only after its running writes settled', async () => {
    const store = open();
    const header = await store.createAudit(newAudit());
    let release: () => void = () => undefined;
    const writesSettled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let told = 0;
    const unsubscribe = store.onVersionChange(() => {
      told++;
    }, () => writesSettled);
    const newerVersion = Math.max(...Object.keys(schemaVersions).map(Number)) + 1;
    const newer = new Dexie(dbName);
    for (const v of [1, 2, 3, 4, 5, 6, 7] as const) newer.version(v).stores(schemaVersions[v]);
    newer.version(newerVersion).stores({ extra: 'id' });
    const opening = newer.open();
    await expect.poll(() => told).toBe(1);
    // Still open: a write that was under way (or queued just now) completes.
    expect(store.db.isOpen()).toBe(true);
    await store.saveNote(header.id, '3.2', '换版本前写的备注');
    release();
    await opening;
    expect(store.db.isOpen()).toBe(false);
    expect(newer.verno).toBe(newerVersion);
    const answer: unknown = await newer.table('answers').get([header.id, '3.2']);
    expect(answer).toMatchObject({ note: '换版本前写的备注' });
    newer.close();
    unsubscribe();
  });
});

describe('toStorageError', () => {
  it('recognises a quota error wrapped by Dexie', () => {
    const wrapped = Object.assign(new Error('Transaction aborted'), {
      name: 'AbortError',
      inner: { name: 'QuotaExceededError' },
    });
    expect(toStorageError(wrapped).kind).toBe('quota');
    expect(toStorageError(new Error('x')).kind).toBe('unknown');
  });
});
