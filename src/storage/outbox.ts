import { z } from 'zod';
import { sealedEnvelopeSchema, type SealedEnvelope } from '../domain/index';
import type { DuchaDb, OutboxRow } from './db';
import { StorageError } from './storage-error';
import { run } from './store-context';

/** 待上传 / 上传中 / 已上传 / 冲突 / 被拒, as stored. */
export const outboxStatusSchema = z.enum(['pending', 'uploading', 'uploaded', 'conflict', 'refused']);
export type OutboxStatus = z.infer<typeof outboxStatusSchema>;

/** What the auditor should do about the last failure; the app words it. */
export const outboxActionSchema = z.enum([
  /** Nothing: the app sends it again by itself (no network, server busy or down). */
  'wait',
  /** The session ended: sign in again under 设置 → 服务器. */
  'sign-in',
  /** This device's key is not enrolled to the signed-in account: sign in again as its auditor (enrols it), or ask an admin. */
  'enrol',
  /** The key was revoked: a revoked key is never enrolled again; head office must decide. */
  'revoked',
  /** The server refused or holds another version: only head office can resolve it. */
  'contact-head-office',
]);
export type OutboxAction = z.infer<typeof outboxActionSchema>;

export const outboxErrorSchema = z.strictObject({
  /** The server's error code (conflict, revoked-key, …) or offline / unexpected / http-<status>. */
  code: z.string(),
  /** The server's own message, or what went wrong on the way. */
  message: z.string(),
  action: outboxActionSchema,
  httpStatus: z.number().int().optional(),
});
export type OutboxError = z.infer<typeof outboxErrorSchema>;

/**
 * The server's acknowledgement. Its answer carries no receipt number of its own: the seal hash it acknowledged
 * (always this entry's) with its status identifies it, and `at` is when this device got the answer.
 */
export const outboxReceiptSchema = z.strictObject({
  status: z.enum(['stored', 'unchanged', 'held']),
  sealHash: z.string(),
  at: z.string(),
  /** 202: the server keeps it durably but does not count it yet (unknown key, rubric or predecessor). */
  held: z.strictObject({ reason: z.string(), message: z.string() }).optional(),
});
export type OutboxReceipt = z.infer<typeof outboxReceiptSchema>;

/** Both sides of a 409: this device's seal and the one the server already holds for that audit and revision. */
export const outboxConflictSchema = z.strictObject({
  incomingHash: z.string(),
  existingHash: z.string(),
  existingRevision: z.number().int().optional(),
});

export const outboxEntrySchema = z.strictObject({
  version: z.literal(1),
  /** The sealed revision's own id (each revision is an audit row of its own). */
  auditId: z.string(),
  lineageId: z.string(),
  revision: z.number().int().min(1),
  sealHash: z.string(),
  sealedAt: z.string(),
  status: outboxStatusSchema,
  /** Failed attempts so far (the backoff grows with it). */
  attempts: z.number().int().nonnegative(),
  /** Not before this time (ISO); an entry due now has it in the past. */
  nextAttemptAt: z.string(),
  updatedAt: z.string(),
  lastError: outboxErrorSchema.nullable(),
  receipt: outboxReceiptSchema.nullable(),
  conflict: outboxConflictSchema.nullable(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

/** Not yet acknowledged by the server (what the header counts and what signing out warns about). */
export const isUnsent = (entry: Pick<OutboxEntry, 'status'>): boolean => entry.status !== 'uploaded';

/** The entry a freshly sealed revision starts with: due at once. */
export function newOutboxEntry(envelope: SealedEnvelope, now: string): OutboxEntry {
  const { audit } = envelope.payload;
  return {
    version: 1,
    auditId: audit.id,
    lineageId: audit.lineageId,
    revision: audit.revision,
    sealHash: envelope.hash,
    sealedAt: envelope.payload.sealedAt,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    updatedAt: now,
    lastError: null,
    receipt: null,
    conflict: null,
  };
}

/** The stored row of an entry (status indexed, so the due ones are found without reading the rest). */
export const outboxRowOf = (entry: OutboxEntry): OutboxRow => entry;

function parseEntry(row: unknown): OutboxEntry | undefined {
  const parsed = outboxEntrySchema.safeParse(row);
  return parsed.success ? parsed.data : undefined;
}

/** Every entry that parses, oldest seal first (a correction goes after the revision it corrects). */
export async function listOutbox(db: DuchaDb): Promise<OutboxEntry[]> {
  const rows = await run(() => db.outbox.toArray());
  return rows
    .flatMap((row) => {
      const entry = parseEntry(row);
      return entry ? [entry] : [];
    })
    .sort((a, b) => a.sealedAt.localeCompare(b.sealedAt) || a.revision - b.revision);
}

/**
 * Entries to send now: waiting ones that are due, and any left 上传中 (a browser killed mid-upload, or another
 * tab's upload: the caller holds that audit's lock before claiming, so it never sends one twice at once).
 */
export async function dueEntries(db: DuchaDb, now: string): Promise<OutboxEntry[]> {
  return (await listOutbox(db)).filter(
    (e) => e.status === 'uploading' || (e.status === 'pending' && e.nextAttemptAt <= now),
  );
}

/** Marks an entry 上传中 if it still waits (re-read in the transaction: another tab may have sent it). */
export async function claimForUpload(db: DuchaDb, auditId: string, now: string): Promise<OutboxEntry | undefined> {
  return run(() =>
    db.transaction('rw', db.outbox, async () => {
      const entry = parseEntry(await db.outbox.get(auditId));
      if (!entry || (entry.status !== 'pending' && entry.status !== 'uploading')) return undefined;
      const claimed: OutboxEntry = { ...entry, status: 'uploading', updatedAt: now };
      await db.outbox.put(outboxRowOf(claimed));
      return claimed;
    }),
  );
}

/** Stores what the upload came to; an entry the server already acknowledged is never set back. */
export async function saveOutboxEntry(db: DuchaDb, next: OutboxEntry): Promise<void> {
  const entry = outboxEntrySchema.parse(next);
  await run(() =>
    db.transaction('rw', db.outbox, async () => {
      const current = parseEntry(await db.outbox.get(entry.auditId));
      if (current?.status === 'uploaded' && entry.status !== 'uploaded') return;
      await db.outbox.put(outboxRowOf(entry));
    }),
  );
}

export interface UploadImage {
  readonly sha256: string;
  readonly type: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/** What goes to the server for one entry: every image the seal names, then the envelope exactly as sealed. */
export interface UploadMaterial {
  readonly envelope: SealedEnvelope;
  readonly images: readonly UploadImage[];
}

export async function uploadMaterial(db: DuchaDb, auditId: string): Promise<UploadMaterial> {
  const row = await run(() => db.seals.get(auditId));
  const parsed = sealedEnvelopeSchema.safeParse(row?.envelope);
  if (!parsed.success) throw new StorageError('corrupt', `the stored seal of ${auditId} is missing or does not match the schema`);
  const envelope = parsed.data;
  const images: UploadImage[] = [];
  const seen = new Set<string>();
  for (const ref of envelope.payload.blobs) {
    if (seen.has(ref.sha256)) continue;
    seen.add(ref.sha256);
    const blob = (await run(() => db.blobs.get(ref.id)))?.blob;
    if (!blob) throw new StorageError('corrupt', `image ${ref.id} of audit ${auditId} (${ref.kind}) is no longer on this device`);
    images.push({ sha256: ref.sha256, type: ref.type, bytes: new Uint8Array(await blob.arrayBuffer()) });
  }
  return { envelope, images };
}

/**
 * Refusals that signing in can cure (the key was not enrolled to this account, or the wrong account was signed
 * in) wait again, due at once. Conflicts and every other refusal stay as they are: only head office can resolve them.
 */
export async function requeueCurable(db: DuchaDb, now: string): Promise<number> {
  return run(() =>
    db.transaction('rw', db.outbox, async () => {
      let count = 0;
      for (const row of await db.outbox.where('status').equals('refused').toArray()) {
        const entry = parseEntry(row);
        if (!entry || (entry.lastError?.action !== 'enrol' && entry.lastError?.action !== 'sign-in')) continue;
        await db.outbox.put(outboxRowOf({ ...entry, status: 'pending', nextAttemptAt: now, updatedAt: now }));
        count += 1;
      }
      return count;
    }),
  );
}
