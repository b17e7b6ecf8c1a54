import {
  blobReferences,
  toBase64Url,
  type Audit,
  type AuditExport,
  type SealedEnvelope,
  type Rubric,
  type ScoreResult,
} from '../domain/index';
import { getAudit } from './audit-reads';
import { getBlob } from './draft-answers';
import { getSeal } from './finalise-audit';
import { StorageError } from './storage-error';
import type { StoreContext } from './store-context';

export interface SheetData {
  readonly rubric: Rubric;
  readonly audit: Audit;
  readonly score: ScoreResult;
  readonly images: ReadonlyMap<string, Uint8Array>;
  readonly seal?: SealedEnvelope;
}

/** Everything a score sheet needs: the audit with its answers, its rubric and score, its seal and image bytes. */
export async function getSheetData(ctx: StoreContext, auditId: string): Promise<SheetData> {
  const stored = await getAudit(ctx, auditId);
  if (stored === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
  const audit: Audit = { ...stored.header, answers: [...stored.answers] };
  const images = new Map<string, Uint8Array>();
  for (const ref of blobReferences(audit)) {
    const blob = await getBlob(ctx, ref.id);
    if (blob) images.set(ref.id, new Uint8Array(await blob.arrayBuffer()));
  }
  const seal = stored.header.status === 'finalised' ? await getSeal(ctx, auditId) : undefined;
  return { rubric: stored.rubric, audit, score: stored.score, images, ...(seal ? { seal } : {}) };
}

/**
 * A finalised audit as it leaves the device (`ducha pdf --audit`, head office): seal plus image files.
 * Making it marks nothing: see `markExported`.
 */
export async function exportAudit(ctx: StoreContext, auditId: string): Promise<AuditExport> {
  const data = await getSheetData(ctx, auditId);
  if (!data.seal) throw new StorageError('invalid', 'only a finalised, sealed audit can be exported');
  const types = new Map(data.seal.payload.blobs.map((b) => [b.id, b.type]));
  const exported: AuditExport = {
    format: 'ducha.audit-export',
    version: 1,
    envelope: data.seal,
    blobs: [...data.images].map(([id, bytes]) => ({
      id,
      type: types.get(id) ?? 'image/jpeg',
      base64url: toBase64Url(bytes),
    })),
  };
  return exported; // not yet exported: the caller marks it once the file is handed over
}
