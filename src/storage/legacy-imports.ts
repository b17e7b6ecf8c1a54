import { z } from 'zod';
import { decodeBase64Url, sealedEnvelopeSchema, type SealedEnvelope } from '../domain/index';
import { writeBundleV2 } from '../domain/head-office';
import type { DuchaDb } from './db';
import { toStorageError } from './storage-error';

/**
 * Audits an older version of the app imported from other tablets' bundles (v4–v10: `imports`, and `held`
 * for those it kept aside). Head office is the server now: the dashboard offers once to upload them there,
 * and each is removed here only after the server acknowledged it. Until then they stay exactly as stored.
 */
export interface LegacyAudit {
  readonly auditId: string;
  readonly envelope: SealedEnvelope;
  readonly images: ReadonlyMap<string, Uint8Array>;
}

/** A row that cannot be made into a sealed audit again: shown, and kept (nothing is deleted unread). */
export interface UnreadableLegacyAudit {
  readonly auditId: string;
  readonly message: string;
}

/** The envelope as received: the stored one with its rubric put back (v8 kept it once per fingerprint). */
function withRubric(stored: unknown, rubric: unknown): unknown {
  if (typeof stored !== 'object' || stored === null || !('payload' in stored)) return stored;
  const { payload } = stored;
  if (typeof payload !== 'object' || payload === null) return stored;
  return { ...stored, payload: { ...payload, rubric } };
}

const heldEntrySchema = z.object({
  envelope: sealedEnvelopeSchema,
  blobs: z.array(z.object({ id: z.string(), base64url: z.string() })),
});

async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error);
  }
}

/** How many audits received from other devices this device still keeps. */
export async function countLegacyImports(db: DuchaDb): Promise<number> {
  return run(async () => {
    const ids = new Set([...(await db.imports.toCollection().primaryKeys()), ...(await db.held.toCollection().primaryKeys())]);
    return ids.size;
  });
}

/** Up to `limit` of them, whole (envelope as received, every image), leaving out the ids in `skip`. */
export async function readLegacyImports(
  db: DuchaDb,
  limit: number,
  skip: ReadonlySet<string> = new Set(),
): Promise<{ audits: LegacyAudit[]; unreadable: UnreadableLegacyAudit[] }> {
  return run(() =>
    db.transaction('r', [db.imports, db.importRubrics, db.importImages, db.blobs, db.held], async () => {
      const audits: LegacyAudit[] = [];
      const unreadable: UnreadableLegacyAudit[] = [];
      const taken = new Set<string>();
      for (const row of await db.imports.toArray()) {
        if (audits.length >= limit) break;
        if (skip.has(row.auditId)) continue;
        taken.add(row.auditId);
        let whole: unknown = row.envelope;
        if (row.rubricFingerprint !== undefined) whole = withRubric(row.envelope, (await db.importRubrics.get(row.rubricFingerprint))?.rubric);
        const envelope = sealedEnvelopeSchema.safeParse(whole);
        if (!envelope.success) {
          unreadable.push({ auditId: row.auditId, message: envelope.error.issues[0]?.message ?? 'not a sealed envelope' });
          continue;
        }
        const images = new Map<string, Uint8Array>();
        for (const image of await db.importImages.where('auditId').equals(row.auditId).toArray()) images.set(image.id, image.bytes);
        // Imported before v8: its images are Blobs in `blobs`, named `${auditId}:${id}`.
        for (const legacy of await db.blobs.where('auditId').equals(row.auditId).toArray())
          if (legacy.id.startsWith(`${row.auditId}:`))
            images.set(legacy.id.slice(row.auditId.length + 1), new Uint8Array(await legacy.blob.arrayBuffer()));
        audits.push({ auditId: row.auditId, envelope: envelope.data, images });
      }
      for (const row of await db.held.toArray()) {
        if (audits.length >= limit) break;
        if (skip.has(row.auditId) || taken.has(row.auditId)) continue;
        const entry = heldEntrySchema.safeParse(row.entry);
        const images = new Map<string, Uint8Array>();
        let problem = entry.success ? undefined : (entry.error.issues[0]?.message ?? 'not a sealed audit');
        for (const blob of entry.success ? entry.data.blobs : []) {
          const bytes = decodeBase64Url(blob.base64url);
          if (bytes.ok) images.set(blob.id, bytes.value);
          else problem = `image ${blob.id}: not base64url`;
        }
        if (!entry.success || problem !== undefined) unreadable.push({ auditId: row.auditId, message: problem ?? '' });
        else audits.push({ auditId: row.auditId, envelope: entry.data.envelope, images });
      }
      return { audits, unreadable };
    }),
  );
}

/**
 * Removes the audits the server acknowledged (stored, unchanged, held or conflict: it has them), each whole, in
 * one transaction. Once none is left, what only the browser's head office used goes too: the rubrics kept for
 * imports and its conflict records (the server keeps its own).
 */
export async function removeUploadedLegacyImports(db: DuchaDb, auditIds: readonly string[]): Promise<void> {
  await run(() =>
    db.transaction('rw', [db.imports, db.facts, db.factUnits, db.importImages, db.blobs, db.held, db.importRubrics, db.conflicts], async () => {
      for (const auditId of auditIds) {
        await db.imports.delete(auditId);
        await db.facts.delete(auditId);
        await db.factUnits.delete(auditId);
        await db.held.delete(auditId);
        await db.importImages.where('auditId').equals(auditId).delete();
        await db.blobs
          .where('auditId')
          .equals(auditId)
          .filter((row) => row.id.startsWith(`${auditId}:`))
          .delete();
      }
      if ((await db.imports.count()) === 0 && (await db.held.count()) === 0) {
        await db.importRubrics.clear();
        await db.conflicts.clear();
      }
    }),
  );
}

/** The server's decision on one audit of a bundle (POST /api/bundles), by its place in the bundle. */
export interface LegacyDecision {
  readonly index: number;
  readonly auditId?: string | undefined;
  readonly status: 'stored' | 'unchanged' | 'held' | 'conflict' | 'refused';
  readonly message?: string | undefined;
}
export type LegacySend = (
  bundle: Uint8Array<ArrayBuffer>,
) => Promise<{ readonly ok: true; readonly audits: readonly LegacyDecision[] } | { readonly ok: false; readonly message: string }>;

export interface LegacyUploadReport {
  /** Acknowledged by the server and removed here. */
  readonly removed: number;
  /** Refused by the server (or not answered for): kept here, with the server's reason. */
  readonly refused: readonly { readonly auditId: string; readonly message: string }[];
  readonly unreadable: readonly UnreadableLegacyAudit[];
  /** Why the upload stopped early (offline, rate-limited…); what was not acknowledged is still here. */
  readonly failure?: string;
}

/** Well under the server's default per-account limit per minute (600), and a small request each. */
export const LEGACY_BATCH = 50;

/**
 * Uploads every audit received from other devices, a bundle of `batch` at a time, and removes each one the server
 * acknowledged: stored, unchanged, held and conflict all mean the server keeps it. A refused one stays, and is
 * reported, as does every audit the server's answer does not name.
 */
export async function uploadLegacyImports(
  db: DuchaDb,
  send: LegacySend,
  options: { readonly batch?: number; readonly now?: () => string; readonly onProgress?: (removed: number) => void } = {},
): Promise<LegacyUploadReport> {
  const batch = options.batch ?? LEGACY_BATCH;
  const now = options.now ?? (() => new Date().toISOString());
  const skip = new Set<string>();
  const refused: { auditId: string; message: string }[] = [];
  const unreadable: UnreadableLegacyAudit[] = [];
  let removed = 0;
  for (;;) {
    const read = await readLegacyImports(db, batch, skip);
    for (const u of read.unreadable) {
      skip.add(u.auditId);
      unreadable.push(u);
    }
    if (read.audits.length === 0) {
      if (read.unreadable.length > 0) continue;
      return { removed, refused, unreadable };
    }
    const bytes = writeBundleV2(read.audits, now());
    const answer = await send(new Uint8Array(bytes));
    if (!answer.ok) return { removed, refused, unreadable, failure: answer.message };
    const byIndex = new Map(answer.audits.map((a) => [a.index, a]));
    const acknowledged: string[] = [];
    read.audits.forEach((audit, index) => {
      const decision = byIndex.get(index);
      // Only the server's word for this very audit removes it.
      if (decision && decision.status !== 'refused' && decision.auditId === audit.auditId) acknowledged.push(audit.auditId);
      else {
        skip.add(audit.auditId);
        refused.push({ auditId: audit.auditId, message: decision?.message ?? decision?.status ?? 'no answer for this audit' });
      }
    });
    await removeUploadedLegacyImports(db, acknowledged);
    removed += acknowledged.length;
    options.onProgress?.(removed);
  }
}
