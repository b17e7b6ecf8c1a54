import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gradedUnits } from '../domain/index';
import { loadRubric } from '../../tests/support/load';
import { AuditStore } from './audit-store';
import { DuchaDb } from './db';
import {
  claimForUpload,
  dueEntries,
  listOutbox,
  newOutboxEntry,
  outboxRowOf,
  requeueCurable,
  saveOutboxEntry,
  uploadMaterial,
  type OutboxEntry,
} from './outbox';

const kf02 = loadRubric('KF02');
const strokes = [
  [
    [0.1, 0.2],
    [0.4, 0.5],
  ],
];
const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpegBytes = new Uint8Array([0xff, 0xd8, 0xff, 5, 6, 7, 0xff, 0xd9]);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let dbName: string;
let tick: number;
const clock = () => new Date(Date.UTC(2026, 11, 1, 8, 0, tick++)).toISOString();
let db: DuchaDb;
let store: AuditStore;

beforeEach(() => {
  dbName = `ducha-outbox-${Math.random().toString(36).slice(2)}`;
  tick = 0;
  db = new DuchaDb(dbName);
  store = new AuditStore(db, clock);
});
afterEach(async () => {
  db.close();
  await Dexie.delete(dbName);
});

async function gradedAndSigned(): Promise<string> {
  const audit = await store.createAudit({
    rubric: kf02,
    site: { name: '碧桂园·燊城管理处', code: 'SZ-01', region: '华南' },
    auditor: '王堃',
    auditedAt: '2026-12-01T07:30:00.000Z',
    mode: 'covert',
  });
  for (const unit of gradedUnits(kf02)) await store.saveGrade(audit.id, unit.id, 'compliant');
  await store.addPhoto(audit.id, '3.4', new Blob([jpegBytes], { type: 'image/jpeg' }));
  await store.confirmSignature(audit.id, 'auditor', { name: '王堃', strokes, image: new Blob([pngBytes], { type: 'image/png' }) });
  await store.confirmSignature(audit.id, 'siteManager', { name: '李喆', strokes, image: new Blob([pngBytes], { type: 'image/png' }) });
  return audit.id;
}

describe('the outbox', () => {
  it('gets an entry for every sealed revision, 定稿 and each correction, carrying its seal hash', async () => {
    const id = await gradedAndSigned();
    expect(await listOutbox(db)).toEqual([]);
    await store.finalise(id);
    const seal1 = await store.getSeal(id);
    const rev2 = await store.amend(id, '复核');
    await store.saveGrade(rev2.id, '3.4', 'mostly');
    await store.confirmSignature(rev2.id, 'auditor', { name: '王堃', strokes, image: new Blob([pngBytes], { type: 'image/png' }) });
    await store.confirmSignature(rev2.id, 'siteManager', { name: '李喆', strokes, image: new Blob([pngBytes], { type: 'image/png' }) });
    expect((await listOutbox(db)).length).toBe(1); // a draft correction is not sent
    await store.finalise(rev2.id);
    const seal2 = await store.getSeal(rev2.id);
    expect((await listOutbox(db)).map((e) => [e.auditId, e.lineageId, e.revision, e.sealHash, e.status, e.attempts])).toEqual([
      [id, id, 1, seal1?.hash, 'pending', 0],
      [rev2.id, id, 2, seal2?.hash, 'pending', 0],
    ]);
  });

  it('is written in the transaction that seals: when the entry cannot be written, nothing is sealed', async () => {
    const id = await gradedAndSigned();
    // An entry already under this id makes the outbox add fail inside the finalise transaction.
    const stale: OutboxEntry = { ...newOutboxEntry(await sealedLookalike(id), clock()), auditId: id };
    await db.outbox.add(outboxRowOf(stale));
    await expect(store.finalise(id)).rejects.toThrow();
    expect((await store.getHeader(id))?.status).toBe('draft');
    expect(await store.getSeal(id)).toBeUndefined();
  });

  it('gives the images once each (by SHA-256) and the envelope as sealed', async () => {
    const id = await gradedAndSigned();
    await store.finalise(id);
    const material = await uploadMaterial(db, id);
    expect(material.envelope).toEqual(await store.getSeal(id));
    // Photo + two signatures with the same bytes: two distinct images.
    expect(material.images.map((i) => [i.sha256, i.type, i.bytes.length]).sort()).toEqual(
      [
        [sha(jpegBytes), 'image/jpeg', jpegBytes.length],
        [sha(pngBytes), 'image/png', pngBytes.length],
      ].sort(),
    );
  });

  it('claims a waiting entry as 上传中, re-claims one a killed browser left 上传中, and never sets an acknowledged one back', async () => {
    const id = await gradedAndSigned();
    await store.finalise(id);
    expect((await dueEntries(db, '2026-12-01T09:00:00.000Z')).map((e) => e.auditId)).toEqual([id]);
    const claimed = await claimForUpload(db, id, '2026-12-01T09:00:00.000Z');
    expect(claimed?.status).toBe('uploading');
    // Left 上传中 (the tab died): still due, and claimable again.
    expect((await dueEntries(db, '2026-12-01T09:00:01.000Z')).map((e) => e.status)).toEqual(['uploading']);
    expect((await claimForUpload(db, id, '2026-12-01T09:00:01.000Z'))?.status).toBe('uploading');
    if (!claimed) throw new Error('not claimed');
    const receipt = { status: 'stored' as const, sealHash: claimed.sealHash, at: '2026-12-01T09:00:02.000Z' };
    await saveOutboxEntry(db, { ...claimed, status: 'uploaded', receipt });
    await saveOutboxEntry(db, { ...claimed, status: 'pending', attempts: 1 });
    expect((await listOutbox(db))[0]).toMatchObject({ status: 'uploaded', receipt });
    expect(await claimForUpload(db, id, '2026-12-01T09:00:03.000Z')).toBeUndefined();
    expect(await dueEntries(db, '2026-12-01T09:00:03.000Z')).toEqual([]);
  });

  it('a waiting entry is not due before its next attempt time', async () => {
    const id = await gradedAndSigned();
    await store.finalise(id);
    const [entry] = await listOutbox(db);
    if (!entry) throw new Error('no entry');
    await saveOutboxEntry(db, { ...entry, attempts: 1, nextAttemptAt: '2026-12-01T10:00:00.000Z' });
    expect(await dueEntries(db, '2026-12-01T09:59:59.999Z')).toEqual([]);
    expect((await dueEntries(db, '2026-12-01T10:00:00.000Z')).length).toBe(1);
  });

  it('signing in again requeues refusals it can cure (key not enrolled), never a revoked key or a conflict', async () => {
    const id = await gradedAndSigned();
    await store.finalise(id);
    const [entry] = await listOutbox(db);
    if (!entry) throw new Error('no entry');
    const other = (auditId: string): OutboxEntry => ({ ...entry, auditId, sealedAt: `2026-12-01T08:1${auditId.length % 10}:00.000Z` });
    await saveOutboxEntry(db, { ...entry, status: 'refused', lastError: { code: 'key-not-enrolled', message: 'm', action: 'enrol' } });
    await saveOutboxEntry(db, { ...other('revoked'), status: 'refused', lastError: { code: 'revoked-key', message: 'm', action: 'revoked' } });
    await saveOutboxEntry(db, { ...other('conflict!'), status: 'conflict', lastError: { code: 'conflict', message: 'm', action: 'contact-head-office' } });
    expect(await requeueCurable(db, '2026-12-01T11:00:00.000Z')).toBe(1);
    expect(Object.fromEntries((await listOutbox(db)).map((e) => [e.auditId, e.status]))).toEqual({
      [id]: 'pending',
      revoked: 'refused',
      'conflict!': 'conflict',
    });
  });
});

/** A valid envelope to build an entry from: the same audit finalised in a throwaway database. */
async function sealedLookalike(id: string) {
  const otherName = `${dbName}-other`;
  const otherDb = new DuchaDb(otherName);
  const other = new AuditStore(otherDb, clock);
  const otherId = await (async () => {
    const saved = store;
    store = other;
    try {
      return await gradedAndSigned();
    } finally {
      store = saved;
    }
  })();
  await other.finalise(otherId);
  const seal = await other.getSeal(otherId);
  otherDb.close();
  await Dexie.delete(otherName);
  if (!seal) throw new Error(`no seal for ${id}'s look-alike`);
  return seal;
}
