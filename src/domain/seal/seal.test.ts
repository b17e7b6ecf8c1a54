import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Audit } from '../audit/audit-schema';
import { parseRubric } from '../rubric/parse-rubric';
import { rubricFingerprint } from '../rubric/fingerprint';
import { nodeSigner } from '../../../tests/support/sealed-audit';
import { webCryptoVerifier } from '../../crypto/webcrypto-verifier';
import {
  fromBase64Url,
  keyFingerprint,
  sealAudit,
  toBase64Url,
  verifyEnvelope,
  type SealVerifier,
} from './seal';

const deviceSigner = nodeSigner;
const verify: SealVerifier = webCryptoVerifier;

const parsed = parseRubric(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'rubrics', 'KF01.json'), 'utf8')),
);
if (!parsed.ok) throw new Error('KF01');
const rubric = parsed.value;
const now = '2026-11-24T10:00:00.000Z';
const ids = ['3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b', '4a3b2c1d-6e5f-4a70-9b8a-1d0c3e2f5a4b'];
const photo = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3, 0xff, 0xd9]);
const sigImage = new Uint8Array([0xff, 0xd8, 0xff, 9, 9, 0xff, 0xd9]);

function finalisedAudit(): Audit {
  const strokes: [number, number][][] = [[[0.1, 0.1]]];
  return {
    version: 1,
    id: ids[0] ?? '',
    lineageId: ids[0] ?? '',
    revision: 1,
    status: 'finalised',
    rubricId: 'KF01',
    rubricFingerprint: rubricFingerprint(rubric),
    site: { id: 's', name: '碧桂园·燊城' },
    auditor: '王堃',
    auditedAt: now,
    mode: 'covert',
    signatures: {
      auditor: { name: '王堃', strokes, imageId: 'sig-a', signedAt: now },
      siteManager: { name: '李喆', strokes, imageId: 'sig-m', signedAt: now },
    },
    createdAt: now,
    updatedAt: now,
    finalisedAt: now,
    answers: rubric.items.map((item, i) => ({
      unitId: item.id,
      grade: i === 6 ? ('mostly' as const) : ('compliant' as const),
      note: i === 6 ? '未复述诉求' : '',
      photoIds: i === 6 ? ['p1'] : [],
      updatedAt: now,
    })),
  };
}
const blobs = new Map([
  ['p1', { bytes: photo, type: 'image/jpeg' }],
  ['sig-a', { bytes: sigImage, type: 'image/jpeg' }],
  ['sig-m', { bytes: sigImage, type: 'image/jpeg' }],
]);
const blobBytes = new Map([...blobs].map(([id, b]) => [id, b.bytes]));

describe('seal', () => {
  it('base64url round-trips', () => {
    for (const n of [0, 1, 2, 3, 64]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
    expect(toBase64Url(new Uint8Array([251, 255]))).toBe('-_8');
  });

  it('seals a finalised audit with integer scores and every image hash, and verifies it', async () => {
    const signer = await deviceSigner();
    const sealed = await sealAudit({ audit: finalisedAudit(), rubric, blobs, sealedAt: now }, signer);
    expect(sealed.ok).toBe(true);
    if (!sealed.ok) return;
    const { payload } = sealed.value;
    // 100 − 25 × 0.2 = 95
    expect(payload.score).toMatchObject({
      earnedH: 9500,
      possibleH: 10000,
      percentTenths: 950,
      complete: true,
    });
    expect(payload.blobs.map((b) => [b.id, b.kind, b.unitId ?? b.role])).toEqual([
      ['p1', 'photo', '7'],
      ['sig-a', 'signature', 'auditor'],
      ['sig-m', 'signature', 'siteManager'],
    ]);
    expect(sealed.value.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(keyFingerprint(signer.publicKey)).toMatch(/^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
    expect(await verifyEnvelope(JSON.parse(JSON.stringify(sealed.value)), verify, blobBytes)).toMatchObject({
      status: 'valid',
    });
  });

  it('names what was changed after sealing', async () => {
    const sealed = await sealAudit(
      { audit: finalisedAudit(), rubric, blobs, sealedAt: now },
      await deviceSigner(),
    );
    if (!sealed.ok) throw new Error('seal');
    const copy = () => structuredClone(sealed.value);
    const whats = async (input: unknown, bytes = blobBytes) => {
      const check = await verifyEnvelope(input, verify, bytes);
      return check.status === 'tampered' ? check.findings.map((f) => f.what) : check.status;
    };

    const score = copy();
    score.payload.score.earnedH = 10000;
    expect(await whats(score)).toEqual(['seal', 'seal', 'score']);

    const note = copy();
    const seventh = note.payload.audit.answers[6];
    if (seventh) seventh.note = '已复述';
    expect(await whats(note)).toEqual(['seal', 'seal']);

    const grade = copy();
    const first = grade.payload.audit.answers[0];
    if (first) first.grade = 'non_compliant';
    expect(await whats(grade)).toEqual(['seal', 'seal', 'score']);

    const swapped = new Map(blobBytes);
    swapped.set('p1', new Uint8Array([0xff, 0xd8, 7, 7, 0xff, 0xd9]));
    expect(await whats(copy(), swapped)).toEqual(['photo']);

    const otherSignature = new Map(blobBytes);
    otherSignature.set('sig-m', photo);
    expect(await whats(copy(), otherSignature)).toEqual(['signature']);

    const resigned = copy();
    resigned.signature = toBase64Url(new Uint8Array(64).fill(1));
    expect(await whats(resigned)).toEqual(['seal']);

    expect(await whats({ payload: {}, hash: 'x', signature: 'y' })).toBe('malformed');
  });

  it('refuses to seal a draft, a wrong rubric or a missing image', async () => {
    const signer = await deviceSigner();
    expect(
      (
        await sealAudit(
          { audit: { ...finalisedAudit(), status: 'draft' }, rubric, blobs, sealedAt: now },
          signer,
        )
      ).ok,
    ).toBe(false);
    const other = { ...rubric, title: '改过的标题' };
    expect(
      (await sealAudit({ audit: finalisedAudit(), rubric: other, blobs, sealedAt: now }, signer)).ok,
    ).toBe(false);
    const missing = await sealAudit(
      { audit: finalisedAudit(), rubric, blobs: new Map(), sealedAt: now },
      signer,
    );
    expect(missing.ok ? [] : missing.issues.map((i) => i.path)).toEqual(['blobs["p1"]']);
  });

  it('refuses to seal an image named twice, which every verifier would refuse', async () => {
    const signer = await deviceSigner();
    const audit = finalisedAudit();
    const shared = {
      ...audit,
      signatures: { ...audit.signatures, siteManager: { name: '李喆', strokes: [[[0.1, 0.1]]] satisfies [number, number][][], imageId: 'sig-a', signedAt: now } },
    };
    const sealed = await sealAudit({ audit: shared, rubric, blobs, sealedAt: now }, signer);
    expect(sealed.ok ? [] : sealed.issues).toEqual([
      { path: 'blobs["sig-a"]', message: 'the image sig-a is named twice (two photos or signatures must be two images)' },
    ]);
    const photoTwice = {
      ...audit,
      answers: audit.answers.map((a, i) => (i === 0 ? { ...a, photoIds: ['p1'] } : a)),
    };
    const twice = await sealAudit({ audit: photoTwice, rubric, blobs, sealedAt: now }, signer);
    expect(twice.ok ? [] : twice.issues.map((i) => i.path)).toEqual(['blobs["p1"]']);
  });
});
