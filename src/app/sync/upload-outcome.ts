import type { AuditReceipt } from '../../domain/wire';
import type { OutboxEntry, OutboxError } from '../../storage/outbox';
import type { ApiFailure, ApiResult } from '../server/api-client';
import { backoffDelayMs } from './backoff';

/** What one try at sending an entry came to, whichever request (an image or the envelope) ended it. */
export type UploadOutcome =
  | { readonly kind: 'acknowledged'; readonly receipt: AuditReceipt }
  | {
      readonly kind: 'conflict';
      readonly error: OutboxError;
      readonly incomingHash: string;
      readonly existingHash: string;
      readonly existingRevision: number | undefined;
    }
  | { readonly kind: 'refused'; readonly error: OutboxError }
  | { readonly kind: 'retry'; readonly error: OutboxError; readonly retryAfterSeconds: number | undefined }
  /** 401: the session is over. Not the audit's fault: it waits, unchanged, until someone signs in again. */
  | { readonly kind: 'signed-out'; readonly error: OutboxError };

/** Statuses after which the same request may well succeed later (the server or the way to it is the problem). */
const TRANSIENT = new Set([404, 408, 425, 429]);

/** A failed request (image or envelope) as an outcome; `ownHash` is the seal this device sent. */
export function outcomeOfFailure(failure: ApiFailure, ownHash: string): UploadOutcome {
  if (failure.kind === 'offline')
    return { kind: 'retry', error: { code: 'offline', message: failure.message, action: 'wait' }, retryAfterSeconds: undefined };
  if (failure.kind === 'unexpected')
    // An answer that is not the server's (a captive portal's page, a proxy's error): the server may still answer later.
    return {
      kind: 'retry',
      error: { code: 'unexpected', message: failure.message, action: 'wait', httpStatus: failure.status },
      retryAfterSeconds: undefined,
    };
  const { status, error } = failure;
  const code = error?.error.code ?? `http-${status}`;
  const message = error?.error.message ?? `HTTP ${status}`;
  const withAction = (action: OutboxError['action']): OutboxError => ({ code, message, action, httpStatus: status });
  if (status === 401) return { kind: 'signed-out', error: withAction('sign-in') };
  if (status >= 500 || TRANSIENT.has(status)) return { kind: 'retry', error: withAction('wait'), retryAfterSeconds: failure.retryAfter };
  if (status === 409 && code === 'conflict')
    return {
      kind: 'conflict',
      error: withAction('contact-head-office'),
      incomingHash: error?.error.incomingHash ?? ownHash,
      existingHash: error?.error.existing?.hash ?? '',
      existingRevision: error?.error.existing?.revision,
    };
  // The images are sent before the envelope on every try, so a missing one is sent again on the next.
  if (code === 'missing-images') return { kind: 'retry', error: withAction('wait'), retryAfterSeconds: undefined };
  if (code === 'key-not-enrolled') return { kind: 'refused', error: withAction('enrol') };
  if (code === 'revoked-key') return { kind: 'refused', error: withAction('revoked') };
  if (code === 'forbidden' || code === 'csrf') return { kind: 'refused', error: withAction('sign-in') };
  return { kind: 'refused', error: withAction('contact-head-office') };
}

/** The answer to POST /api/audits as an outcome: 201 stored, 200 unchanged and 202 held are all acknowledgements. */
export function outcomeOfUpload(result: ApiResult<AuditReceipt>, ownHash: string): UploadOutcome {
  return result.ok ? { kind: 'acknowledged', receipt: result.value } : outcomeOfFailure(result, ownHash);
}

/** The entry after an outcome, at `nowMs`; `random` in [0, 1) jitters the next try. */
export function entryAfter(entry: OutboxEntry, outcome: UploadOutcome, nowMs: number, random: number): OutboxEntry {
  const now = new Date(nowMs).toISOString();
  const base = { ...entry, updatedAt: now };
  switch (outcome.kind) {
    case 'acknowledged': {
      const { receipt } = outcome;
      return {
        ...base,
        status: 'uploaded',
        lastError: null,
        conflict: null,
        receipt: {
          status: receipt.status,
          sealHash: receipt.sealHash,
          at: now,
          ...(receipt.status === 'held' ? { held: { reason: receipt.reason, message: receipt.message } } : {}),
        },
      };
    }
    case 'conflict':
      return {
        ...base,
        status: 'conflict',
        lastError: outcome.error,
        conflict: {
          incomingHash: outcome.incomingHash,
          existingHash: outcome.existingHash,
          ...(outcome.existingRevision === undefined ? {} : { existingRevision: outcome.existingRevision }),
        },
      };
    case 'refused':
      return { ...base, status: 'refused', lastError: outcome.error };
    case 'retry': {
      const attempts = entry.attempts + 1;
      const delay = backoffDelayMs(attempts, random, outcome.retryAfterSeconds);
      return { ...base, status: 'pending', attempts, nextAttemptAt: new Date(nowMs + delay).toISOString(), lastError: outcome.error };
    }
    case 'signed-out':
      return { ...base, status: 'pending', nextAttemptAt: now, lastError: outcome.error };
  }
}
