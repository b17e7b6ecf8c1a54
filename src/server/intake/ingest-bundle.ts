import { canonicalJson, DEFAULT_BUNDLE_LIMITS, readBundle, bytesSource, type BundleIssue, type UnusedEntry } from '../../domain/head-office';
import { nodeCrc32 } from '../../crypto/node-crc32';
import { nodeVerifier } from '../../crypto/node-verifier';
import { recordImageUpload } from '../auth/image-scope';
import type { ServerServices } from '../services';
import { ingestAudit, type IngestOptions, type IngestOutcome } from './ingest-audit';

export interface BundleAuditOutcome {
  /** Position in the bundle, from 0. */
  readonly index: number;
  readonly auditId: string | undefined;
  readonly status: 'stored' | 'unchanged' | 'held' | 'conflict' | 'refused';
  /** Why it was held, refused or in conflict. */
  readonly message?: string;
}

export interface BundleOptions extends IngestOptions {
  /** The account sending the bundle: recorded as having sent the images of each audit it may send. */
  readonly uploader?: number;
}

export type BundleIngest =
  | { readonly ok: true; readonly audits: readonly BundleAuditOutcome[]; readonly unusedEntries: readonly UnusedEntry[] }
  | { readonly ok: false; readonly issues: readonly BundleIssue[] };

function outcomeOf(index: number, outcome: IngestOutcome): BundleAuditOutcome {
  const auditId = 'auditId' in outcome ? outcome.auditId : undefined;
  switch (outcome.kind) {
    case 'stored':
    case 'unchanged':
      return { index, auditId, status: outcome.kind };
    case 'held':
      return { index, auditId, status: 'held', message: outcome.message };
    case 'conflict':
      return { index, auditId, status: 'conflict', message: outcome.message };
    case 'revoked-key':
    case 'key-not-enrolled':
      return { index, auditId, status: 'refused', message: outcome.message };
    case 'not-json':
      return { index, auditId, status: 'refused', message: outcome.message };
    case 'malformed':
      return { index, auditId, status: 'refused', message: outcome.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
    case 'tampered':
      return { index, auditId, status: 'refused', message: outcome.findings.map((f) => `${f.what}: ${f.message}`).join('; ') };
    case 'missing-images':
      return { index, auditId, status: 'refused', message: `missing images: ${outcome.missing.map((m) => m.id).join(', ')}` };
  }
}

/**
 * A whole `.ducha` bundle (format 1 or 2, told apart by content) from a tablet that stayed offline. Each
 * audit goes through exactly the upload path: its images into the blob store, then its envelope (as
 * canonical JSON, which has the same seal) judged, made durable and taken in by ingestAudit. One audit's
 * refusal or conflict does not stop the others.
 */
export async function ingestBundle(
  services: ServerServices,
  bytes: Uint8Array,
  source: string,
  options: BundleOptions = {},
): Promise<BundleIngest> {
  const read = await readBundle(bytesSource(bytes), nodeVerifier, { ...DEFAULT_BUNDLE_LIMITS, maxFileBytes: bytes.byteLength }, { crc32: nodeCrc32 });
  if (!read.ok) return read;
  const audits: BundleAuditOutcome[] = [];
  for (const verdict of read.value.verdicts) {
    if (verdict.status === 'refused') {
      audits.push({ index: verdict.index, auditId: verdict.auditId, status: 'refused', message: verdict.reason });
      continue;
    }
    // Asked before the images are stored, so a key that is not the uploader's leaves nothing behind.
    const refusal = await options.authorise?.(verdict.signer);
    if (refusal !== undefined) {
      audits.push({ index: verdict.index, auditId: verdict.envelope.payload.audit.id, status: 'refused', message: refusal });
      continue;
    }
    for (const blob of verdict.blobs.values()) {
      const { sha256 } = await services.blobs.put(blob.bytes);
      if (options.uploader !== undefined) await recordImageUpload(services.db, options.uploader, sha256);
    }
    const envelopeBytes = new TextEncoder().encode(canonicalJson(verdict.envelope));
    audits.push(outcomeOf(verdict.index, await ingestAudit(services, envelopeBytes, source, options)));
  }
  return { ok: true, audits, unusedEntries: read.value.unusedEntries };
}
