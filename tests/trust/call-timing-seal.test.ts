import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVerifier } from '../../src/crypto/node-verifier';
import {
  auditExportSchema,
  bundleSchema,
  canonicalHash,
  fromBase64Url,
  verifyEnvelope,
  type Audit,
  type CallTiming,
} from '../../src/domain/head-office';
import { loadGrades, loadRubric, repoRoot } from '../support/load';
import { finalisedAudit, imagesOf, sealed } from '../support/sealed-audit';

const timing: CallTiming = {
  version: 1,
  dialledAt: '2026-11-24T02:30:00.000Z',
  answeredAt: '2026-11-24T02:30:08.250Z',
  hungUpAt: '2026-11-24T02:30:53.290Z',
  rings: 2,
};

const kf01 = loadRubric('KF01');
const timedAudit = (): Audit => {
  const audit = finalisedAudit(kf01, loadGrades(kf01, 'kf01-all-compliant'));
  return { ...audit, answers: audit.answers.map((a) => (a.unitId === '3' ? { ...a, timing } : a)) };
};

describe('the call timing is sealed with its answer, and seals made before it still verify', () => {
  it('a sealed KF01 audit carries the timing of item 3 and verifies', async () => {
    const envelope = await sealed(kf01, timedAudit());
    expect(envelope.payload.audit.answers.find((a) => a.unitId === '3')?.timing).toEqual(timing);
    const check = await verifyEnvelope(JSON.parse(JSON.stringify(envelope)), nodeVerifier, imagesOf());
    expect(check.status).toBe('valid');
  });

  it('a timing changed after sealing is refused as tampered', async () => {
    const envelope = await sealed(kf01, timedAudit());
    const changed = {
      ...envelope,
      payload: {
        ...envelope.payload,
        audit: {
          ...envelope.payload.audit,
          answers: envelope.payload.audit.answers.map((a) =>
            a.unitId === '3' ? { ...a, timing: { ...timing, answeredAt: '2026-11-24T02:30:03.000Z' } } : a,
          ),
        },
      },
    };
    const check = await verifyEnvelope(JSON.parse(JSON.stringify(changed)), nodeVerifier, imagesOf());
    expect(check.status).toBe('tampered');
  });

  it('seals made before the timing existed hash to the same bytes and verify (bundle v1, renderer 2 and 3 exports)', async () => {
    const legacy = bundleSchema.parse(
      JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'legacy', 'bundle-v1.ducha'), 'utf8')),
    );
    const exports = ['kf3-renderer-v2', 'kf3-renderer-v3'].map((name) =>
      auditExportSchema.parse(
        JSON.parse(
          readFileSync(join(repoRoot, 'tests', 'fixtures', 'sheets', `${name}.ducha-audit.json`), 'utf8'),
        ),
      ),
    );
    const envelopes = [
      ...legacy.audits.map((a) => ({
        envelope: a.envelope,
        images: new Map(a.blobs.map((b) => [b.id, fromBase64Url(b.base64url)])),
      })),
      ...exports.map((e) => ({
        envelope: e.envelope,
        images: new Map(e.blobs.map((b) => [b.id, fromBase64Url(b.base64url)])),
      })),
    ];
    expect(envelopes).toHaveLength(4);
    for (const { envelope, images } of envelopes) {
      // Parsed with the schema that now knows `timing`: nothing is added, so the canonical bytes are the sealed ones.
      expect(canonicalHash(envelope.payload)).toBe(envelope.hash);
      expect(envelope.payload.audit.answers.every((a) => a.timing === undefined)).toBe(true);
      expect((await verifyEnvelope(envelope, nodeVerifier, images)).status).toBe('valid');
    }
  });
});
