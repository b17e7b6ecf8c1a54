import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditFactFromEnvelope,
  keyId,
  rubricFingerprint,
  type Audit,
  type SealedEnvelope,
  type SealSigner,
  verifyEnvelope,
} from '../domain/index';
import { webCryptoVerifier } from '../crypto/webcrypto-verifier';
import { loadGrades, loadRubric } from '../../tests/support/load';
import { finalisedAudit, imagesOf, nodeSigner, photoRed, sealed } from '../../tests/support/sealed-audit';
import { AuditStore } from './audit-store';
import { DuchaDb, schemaVersions } from './db';
import { countLegacyImports, readLegacyImports } from './legacy-imports';
import { OwnAudits } from './own-audits';
import { listOutbox } from './outbox';

/*
 * One database per released schema version, with the rows written literally in the shape that version's
 * code stored them (header, per-unit answer rows, blobs, rubric, remembered site and auditor; from v3 a
 * sealed local audit; v4 kept the dashboard fact inside the import row; v5 moved it to `facts` without
 * signer; v6 added the signer and the key register). Each is opened by today's code, upgraded, and read
 * through the stores the app and the dashboard use.
 *
 * The sealed envelopes are made by today's sealer (a signed envelope cannot be written out by hand); its
 * shape has not changed since v3 except for fields that are optional on read.
 */

const kf01 = loadRubric('KF01');
const fingerprint = rubricFingerprint(kf01);
const T = '2026-11-20T02:00:00.000Z';
const draftId = '11111111-1111-4111-8111-111111111111';
const importedId = '22222222-2222-4222-8222-222222222222';
const lostFactId = '33333333-3333-4333-8333-333333333333';
const site = { id: 'site-1', name: '金地·燊海湾', code: 'SZ-07', region: '华南' };
const strokes = [
  [
    [0.1, 0.2],
    [0.4, 0.5],
  ],
];

const draftRows = () => ({
  audits: [
    {
      version: 1,
      id: draftId,
      lineageId: draftId,
      revision: 1,
      status: 'draft',
      rubricId: 'KF01',
      rubricFingerprint: fingerprint,
      site,
      auditor: '周堃',
      auditedAt: '2026-11-20T01:30:00.000Z',
      mode: 'covert',
      signatures: { auditor: { name: '周堃', strokes } },
      createdAt: T,
      updatedAt: T,
    },
  ],
  answers: [
    { auditId: draftId, unitId: '1', grade: 'compliant', note: '铃响三声内接听', photoIds: ['photo-d1'], updatedAt: T },
    { auditId: draftId, unitId: '2', grade: 'mostly', note: '', photoIds: [], updatedAt: T },
    { auditId: draftId, unitId: '3', note: '未评,只写了备注', photoIds: [], updatedAt: T },
  ],
  blobs: [
    {
      id: 'photo-d1',
      auditId: draftId,
      kind: 'photo',
      unitId: '1',
      blob: new Blob([photoRed], { type: 'image/jpeg' }),
      type: 'image/jpeg',
      size: photoRed.length,
      createdAt: T,
    },
  ],
  rubrics: [{ fingerprint, rubricId: 'KF01', content: kf01, storedAt: T }],
  sites: [{ ...site, lastUsedAt: T }],
  settings: [{ key: 'auditorName', value: '周堃' }],
});

/** The local finalised audit (from v3): header and answer rows, its images and its seal row. */
function sealedLocalRows(audit: Audit, envelope: SealedEnvelope) {
  const { answers, ...header } = audit;
  return {
    audits: [header],
    answers: answers.map((a) => ({ ...a, auditId: audit.id })),
    blobs: [...imagesOf()].map(([id, bytes]) => ({
      id,
      auditId: audit.id,
      kind: id === 'photo-1' ? 'photo' : 'signature',
      ...(id === 'photo-1' ? { unitId: '7' } : {}),
      blob: new Blob([Uint8Array.from(bytes)], { type: 'image/jpeg' }),
      type: 'image/jpeg',
      size: bytes.length,
      createdAt: T,
    })),
    seals: [{ auditId: audit.id, hash: envelope.hash, envelope, sealedAt: envelope.payload.sealedAt }],
  };
}

const otherDeviceAudit = (id: string, siteName: string): Audit => ({
  ...finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-all-compliant') }, { photoUnit: '7' }),
  id,
  lineageId: id,
  site: { id: `site-${id.slice(0, 4)}`, name: siteName },
});

/** A fact as v4 and v5 stored it: no signer, no sealedAt. */
function oldFact(envelope: SealedEnvelope) {
  const { signer: _signer, sealedAt: _sealedAt, ...fact } = auditFactFromEnvelope(envelope);
  return fact;
}

interface Fixture {
  readonly version: 1 | 2 | 3 | 4 | 5 | 6;
  readonly rows: Record<string, unknown[]>;
  /** Audits the old dashboard compared: after v11 its own are compared and the imported kept for the upload. */
  readonly dashboard: string[];
}

let dbName: string;
let localAudit: Audit;
let localSeal: SealedEnvelope;
let otherTablet: SealSigner;
let imported: SealedEnvelope;
let lostFact: SealedEnvelope;

beforeEach(async () => {
  dbName = `ducha-fixture-${Math.random().toString(36).slice(2)}`;
  localAudit = finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-mixed') }, { photoUnit: '7', site: '万科·城市花园' });
  localSeal = await sealed(kf01, localAudit);
  otherTablet = await nodeSigner();
  imported = await sealed(kf01, otherDeviceAudit(importedId, '乙管理处'), otherTablet);
  lostFact = await sealed(kf01, otherDeviceAudit(lostFactId, '丙管理处'), otherTablet);
});
afterEach(async () => {
  await Dexie.delete(dbName);
});

const merge = (...parts: Record<string, unknown[]>[]): Record<string, unknown[]> => {
  const out: Record<string, unknown[]> = {};
  for (const part of parts) for (const [table, rows] of Object.entries(part)) out[table] = [...(out[table] ?? []), ...rows];
  return out;
};

const importRow = (envelope: SealedEnvelope, extra: Record<string, unknown> = {}) => ({
  auditId: envelope.payload.audit.id,
  hash: envelope.hash,
  lineageId: envelope.payload.audit.lineageId,
  envelope,
  importedAt: T,
  source: 'auditor-2.ducha',
  ...extra,
});
const factRow = (envelope: SealedEnvelope, fact: { rubricId: string; siteKey: string; auditedAt: string }) => ({
  auditId: envelope.payload.audit.id,
  hash: envelope.hash,
  rubricId: fact.rubricId,
  siteKey: fact.siteKey,
  auditedAt: fact.auditedAt,
  fact,
});

function fixtures(): Fixture[] {
  const local = sealedLocalRows(localAudit, localSeal);
  const enrolledKey = {
    version: 1,
    keyId: keyId(otherTablet.publicKey),
    publicKey: otherTablet.publicKey,
    deviceLabel: '平板 2',
    auditor: '李国强',
    enrolledAt: T,
  };
  return [
    { version: 1, rows: draftRows(), dashboard: [] },
    { version: 2, rows: draftRows(), dashboard: [] },
    { version: 3, rows: merge(draftRows(), local), dashboard: [localAudit.id] },
    {
      version: 4,
      rows: merge(draftRows(), local, {
        imports: [
          importRow(imported, { fact: oldFact(imported) }),
          // A fact v5 did not recognise: the first v5 upgrade deleted it, and the audit left the dashboard.
          importRow(lostFact, { fact: { auditId: lostFactId, rubricId: 'KF01' } }),
        ],
      }),
      dashboard: [localAudit.id, importedId, lostFactId],
    },
    {
      version: 5,
      rows: merge(draftRows(), local, {
        // The second import is what the first v5 upgrade left behind: no fact, no facts row.
        imports: [importRow(imported), importRow(lostFact)],
        facts: [factRow(imported, oldFact(imported))],
      }),
      dashboard: [localAudit.id, importedId, lostFactId],
    },
    {
      version: 6,
      rows: merge(draftRows(), local, {
        imports: [importRow(imported)],
        facts: [factRow(imported, auditFactFromEnvelope(imported))],
        keys: [{ keyId: enrolledKey.keyId, key: enrolledKey }],
      }),
      dashboard: [localAudit.id, importedId],
    },
  ];
}

describe('every released Dexie schema version, upgraded and read by the app and the dashboard', () => {
  it.each([1, 2, 3, 4, 5, 6] as const)('v%i', async (version) => {
    const fixture = fixtures().find((f) => f.version === version);
    if (!fixture) throw new Error(`no fixture for v${version}`);
    const old = new Dexie(dbName);
    for (const v of [1, 2, 3, 4, 5, 6] as const) if (v <= version) old.version(v).stores(schemaVersions[v]);
    await old.open();
    expect(old.verno).toBe(version);
    for (const [table, rows] of Object.entries(fixture.rows)) await old.table(table).bulkAdd(rows);
    old.close();

    const db = new DuchaDb(dbName);
    const store = new AuditStore(db);
    const own = new OwnAudits(db, store);
    await db.open();
    expect(db.verno).toBe(Math.max(...Object.keys(schemaVersions).map(Number)));

    // The app: the list, the draft with its answers and photo, the remembered site and auditor.
    const list = await store.listAudits();
    const draft = list.find((e) => e.header.id === draftId);
    expect(draft?.header.status).toBe('draft');
    expect(draft?.score.earnedH).toBe(1800); // 1 符合 10 + 2 基本符合 10 × 0.8 = 18
    const stored = await store.getAudit(draftId);
    expect(stored?.answers.map((a) => [a.unitId, a.grade ?? null, a.note])).toEqual([
      ['1', 'compliant', '铃响三声内接听'],
      ['2', 'mostly', ''],
      ['3', null, '未评,只写了备注'],
    ]);
    expect(stored?.header.signatures.auditor?.name).toBe('周堃');
    expect((await store.getBlob('photo-d1'))?.size).toBe(photoRed.length);
    expect((await store.listSites()).map((s) => s.name)).toEqual(['金地·燊海湾']);
    expect(await store.getRememberedAuditor()).toBe('周堃');
    expect(await db.audits.where('site.name').equals('金地·燊海湾').count()).toBe(1);

    if (version >= 3) {
      const finalised = list.find((e) => e.header.id === localAudit.id);
      expect(finalised?.header.status).toBe('finalised');
      expect(finalised?.score.earnedH).toBe(6300); // kf01-mixed: 63 of 95
      expect((await store.getSeal(localAudit.id))?.hash).toBe(localSeal.hash);
      expect(await store.countUnexported()).toBe(1);
    }
    // v10: every revision sealed before the outbox existed waits to be sent (only sent once the device signs in).
    expect((await listOutbox(db)).map((e) => [e.auditId, e.revision, e.sealHash, e.status, e.attempts])).toEqual(
      version >= 3 ? [[localAudit.id, 1, localSeal.hash, 'pending', 0]] : [],
    );

    // The dashboard compares this device's own seals only (v11: head office is the server).
    const facts = await own.dashboardFacts();
    const ownIds = fixture.dashboard.filter((id) => id === localAudit.id);
    expect(facts.map((f) => f.auditId)).toEqual(ownIds);
    for (const fact of await own.withUnits(facts)) expect(fact.units).toHaveLength(10);
    // Audits imported by the old head office are kept, whole and still valid under their seals, for the upload.
    const legacy = await readLegacyImports(db, 100);
    expect(legacy.unreadable).toEqual([]);
    expect(legacy.audits.map((a) => a.auditId).sort()).toEqual(fixture.dashboard.filter((id) => id !== localAudit.id).sort());
    expect(await countLegacyImports(db)).toBe(legacy.audits.length);
    for (const audit of legacy.audits) {
      expect(keyId(audit.envelope.payload.publicKey)).toBe(keyId(otherTablet.publicKey));
      expect(await verifyEnvelope(audit.envelope, webCryptoVerifier)).toMatchObject({ status: 'valid' });
    }
    // v11 dropped the browser's key register.
    expect(db.tables.map((t) => t.name)).not.toContain('keys');
    db.close();
  });
});
