import { describe, expect, it } from 'vitest';
import type { Audit } from '../../audit/audit-schema';
import { rubricFingerprint } from '../../rubric/fingerprint';
import { parseRubric } from '../../rubric/parse-rubric';
import { sealAudit, verifyEnvelope } from '../../seal/seal';
import { testScale } from '../../test-support';
import { nodeSigner } from '../../../../tests/support/sealed-audit';
import { webCryptoVerifier } from '../../../crypto/webcrypto-verifier';

const parsed = parseRubric({
  version: 2,
  id: 'KPI-XX',
  title: '测试指标',
  form: '测试指标表',
  scale: testScale,
  allowNA: false,
  items: [
    { id: '1', title: '满意率', standard: 's', method: 'm', points: 40, kind: 'metric', unit: '%', target: 98, rule: { type: 'linear', floor: 90 } },
    { id: '2', title: '投诉', standard: 's', method: 'm', points: 10, kind: 'metric', unit: '例', rule: { type: 'per_event', deduct: 5 } },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const rubric = parsed.value;
const now = '2026-12-01T10:00:00.000Z';
const id = '5b2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const sig = new Uint8Array([0xff, 0xd8, 0xff, 9, 0xff, 0xd9]);

const audit: Audit = {
  version: 1,
  id,
  lineageId: id,
  revision: 1,
  status: 'finalised',
  rubricId: rubric.id,
  rubricFingerprint: rubricFingerprint(rubric),
  site: { id: 's', name: '芙蓉营业厅' },
  auditor: '王堃',
  auditedAt: now,
  mode: 'onsite',
  signatures: {
    auditor: { name: '王堃', strokes: [[[0.1, 0.1]]], imageId: 'sig-a', signedAt: now },
    siteManager: { name: '李喆', strokes: [[[0.1, 0.1]]], imageId: 'sig-m', signedAt: now },
  },
  createdAt: now,
  updatedAt: now,
  finalisedAt: now,
  answers: [
    { unitId: '1', figure: 95.5, note: '', photoIds: [], updatedAt: now },
    { unitId: '2', figure: 1, note: '', photoIds: [], updatedAt: now },
  ],
};
const blobs = new Map([
  ['sig-a', { bytes: sig, type: 'image/jpeg' }],
  ['sig-m', { bytes: sig, type: 'image/jpeg' }],
]);
const images = new Map([...blobs].map(([key, blob]) => [key, blob.bytes]));

describe('a sealed KPI audit', () => {
  it('records scoring rules 3 and its figures, and verifies', async () => {
    const sealed = await sealAudit({ audit, rubric, blobs, sealedAt: now }, await nodeSigner());
    if (!sealed.ok) throw new Error(JSON.stringify(sealed.issues));
    // 40 × 95.5 / 98 = 38.9795… → 38.98, plus 10 − 1 × 5 = 5: 43.98 of 50.
    expect([sealed.value.payload.rules, sealed.value.payload.score.earnedH, sealed.value.payload.score.possibleH]).toEqual([
      3, 4398, 5000,
    ]);
    const check = await verifyEnvelope(JSON.parse(JSON.stringify(sealed.value)), webCryptoVerifier, images);
    expect(check.status).toBe('valid');
  });

  it('a figure changed after sealing is tampering; a seal claiming rules 2 for metric units is refused', async () => {
    const sealed = await sealAudit({ audit, rubric, blobs, sealedAt: now }, await nodeSigner());
    if (!sealed.ok) throw new Error('seal');
    const changed = structuredClone(sealed.value);
    const first = changed.payload.audit.answers[0];
    if (first === undefined) throw new Error('answer');
    first.figure = 98;
    expect(await verifyEnvelope(changed, webCryptoVerifier, images)).toMatchObject({ status: 'tampered' });
    const older = structuredClone(sealed.value);
    older.payload.rules = 2;
    const check = await verifyEnvelope(older, webCryptoVerifier, images);
    expect(check.status === 'malformed' ? check.issues.map((i) => i.path) : check.status).toEqual([
      'payload.rubric.items[0].kind',
      'payload.rubric.items[1].kind',
    ]);
  });
});
