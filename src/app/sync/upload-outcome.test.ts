import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../storage/outbox';
import type { ApiFailure } from '../server/api-client';
import { entryAfter, outcomeOfFailure, outcomeOfUpload } from './upload-outcome';

const own = 'a'.repeat(64);
const other = 'b'.repeat(64);
const T0 = Date.parse('2026-12-01T08:00:00.000Z');

const entry: OutboxEntry = {
  version: 1,
  auditId: '11111111-1111-4111-8111-111111111111',
  lineageId: '11111111-1111-4111-8111-111111111111',
  revision: 1,
  sealHash: own,
  sealedAt: '2026-12-01T07:59:00.000Z',
  status: 'uploading',
  attempts: 2,
  nextAttemptAt: '2026-12-01T07:59:00.000Z',
  updatedAt: '2026-12-01T07:59:00.000Z',
  lastError: null,
  receipt: null,
  conflict: null,
};

const http = (status: number, code?: string, extra: Record<string, unknown> = {}, retryAfter?: number): ApiFailure => ({
  ok: false,
  kind: 'http',
  status,
  error: code === undefined ? undefined : { error: { code: code === 'conflict' ? 'conflict' : codeOf(code), message: `msg ${code}`, ...extra } },
  retryAfter,
});
// The error codes the tests use, checked against the wire enum by the type of ErrorBody.
function codeOf(code: string) {
  switch (code) {
    case 'revoked-key':
    case 'key-not-enrolled':
    case 'tampered':
    case 'rate-limited':
    case 'unavailable':
    case 'missing-images':
    case 'unauthenticated':
    case 'forbidden':
    case 'internal':
      return code;
    default:
      throw new Error(`no such code in this test: ${code}`);
  }
}

describe('outcomeOfFailure: what each server answer means for the audit', () => {
  it.each([
    ['no network', { ok: false, kind: 'offline', message: 'Failed to fetch' } satisfies ApiFailure, 'retry', 'wait', 'offline'],
    ['a 500', http(500, 'internal'), 'retry', 'wait', 'internal'],
    ['a 503 without a body', http(503), 'retry', 'wait', 'http-503'],
    ['a 429', http(429, 'rate-limited', {}, 30), 'retry', 'wait', 'rate-limited'],
    ['a 401', http(401, 'unauthenticated'), 'signed-out', 'sign-in', 'unauthenticated'],
    ['a key not enrolled (403)', http(403, 'key-not-enrolled'), 'refused', 'enrol', 'key-not-enrolled'],
    ['a revoked key (422)', http(422, 'revoked-key'), 'refused', 'revoked', 'revoked-key'],
    ['a tampered seal (422)', http(422, 'tampered'), 'refused', 'contact-head-office', 'tampered'],
    ['a missing image (422)', http(422, 'missing-images'), 'retry', 'wait', 'missing-images'],
    ['a 403 forbidden (a site manager signed in)', http(403, 'forbidden'), 'refused', 'sign-in', 'forbidden'],
  ])('%s → %s (%s)', (_what, failure, kind, action, code) => {
    const outcome = outcomeOfFailure(failure, own);
    expect(outcome.kind).toBe(kind);
    expect('error' in outcome ? [outcome.error.action, outcome.error.code] : []).toEqual([action, code]);
  });

  it('a 409 keeps both seal hashes from the error body', () => {
    const outcome = outcomeOfFailure(
      http(409, 'conflict', { incomingHash: own, existing: { auditId: entry.auditId, lineageId: entry.lineageId, revision: 1, hash: other, signer: other } }),
      own,
    );
    expect(outcome).toMatchObject({ kind: 'conflict', incomingHash: own, existingHash: other, existingRevision: 1 });
  });

  it('keeps a Retry-After for the backoff', () => {
    expect(outcomeOfFailure(http(503, 'unavailable', {}, 120), own)).toMatchObject({ kind: 'retry', retryAfterSeconds: 120 });
  });
});

describe('entryAfter', () => {
  it('201 stored: 已上传 with the receipt, at the time of the answer', () => {
    const outcome = outcomeOfUpload(
      { ok: true, status: 201, value: { status: 'stored', auditId: entry.auditId, revision: 1, sealHash: own, released: [] } },
      own,
    );
    expect(entryAfter(entry, outcome, T0, 0.5)).toMatchObject({
      status: 'uploaded',
      attempts: 2,
      receipt: { status: 'stored', sealHash: own, at: '2026-12-01T08:00:00.000Z' },
      lastError: null,
    });
  });

  it('202 held: 已上传 (the server keeps it) with the reason it is held', () => {
    const outcome = outcomeOfUpload(
      { ok: true, status: 202, value: { status: 'held', auditId: entry.auditId, sealHash: own, reason: 'unknown-key', message: 'key not in the register' } },
      own,
    );
    expect(entryAfter(entry, outcome, T0, 0.5).receipt).toEqual({
      status: 'held',
      sealHash: own,
      at: '2026-12-01T08:00:00.000Z',
      held: { reason: 'unknown-key', message: 'key not in the register' },
    });
  });

  it('a failure to retry counts the attempt and waits the jittered backoff (3rd failure: 20 s ceiling, random 0 → 10 s)', () => {
    const next = entryAfter(entry, outcomeOfFailure({ ok: false, kind: 'offline', message: 'x' }, own), T0, 0);
    expect(next).toMatchObject({ status: 'pending', attempts: 3, nextAttemptAt: '2026-12-01T08:00:10.000Z' });
    expect(next.lastError).toEqual({ code: 'offline', message: 'x', action: 'wait' });
  });

  it("a 429's Retry-After pushes the next try past the backoff", () => {
    const next = entryAfter(entry, outcomeOfFailure(http(429, 'rate-limited', {}, 60), own), T0, 0);
    expect(next.nextAttemptAt).toBe('2026-12-01T08:01:00.000Z');
  });

  it('a 401 leaves the audit waiting, due at once, its attempts unchanged', () => {
    const next = entryAfter(entry, outcomeOfFailure(http(401, 'unauthenticated'), own), T0, 0.9);
    expect(next).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: '2026-12-01T08:00:00.000Z' });
  });

  it('a conflict and a refusal are final, with the reason kept', () => {
    const conflict = entryAfter(
      entry,
      outcomeOfFailure(http(409, 'conflict', { incomingHash: own, existing: { auditId: entry.auditId, lineageId: entry.lineageId, revision: 1, hash: other, signer: other } }), own),
      T0,
      0,
    );
    expect(conflict).toMatchObject({ status: 'conflict', conflict: { incomingHash: own, existingHash: other } });
    const refused = entryAfter(entry, outcomeOfFailure(http(422, 'revoked-key'), own), T0, 0);
    expect(refused).toMatchObject({ status: 'refused', lastError: { code: 'revoked-key', message: 'msg revoked-key', action: 'revoked', httpStatus: 422 } });
  });
});
