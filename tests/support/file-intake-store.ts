// A folder-backed intake repository, kept only so the domain's trust tests (tampered bundles, legacy seals,
// unknown rubrics) keep running against a store of their own: the CLI no longer has a store (head office is the
// server), so nothing in src uses this. It was src/cli/file-store.ts.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  auditFactFromEnvelope,
  conflictRecordSchema,
  enrolledKeySchema,
  holdReasonSchema,
  storedRevisionSchema,
  isShippedRubric,
  keyId,
  sealedAuditFileSchema,
  toBase64Url,
  type AuditFact,
  type ConflictRecord,
  type EnrolledKey,
  type IntakeChanges,
  type IntakeLookup,
  type IntakeQuery,
  type IntakeRepository,
  type SealedAuditFile,
  type StoredRevision,
  type ValidEntry,
} from '../../src/domain/head-office';
import { writeDurably, writeManyDurably, type DurableFile } from '../../src/server/store/durable-file';

const indexSchema = z.strictObject({ version: z.literal(1), accepted: z.array(storedRevisionSchema) });
const keysFileSchema = z.strictObject({ version: z.literal(1), keys: z.array(enrolledKeySchema) });
const rubricsFileSchema = z.strictObject({
  version: z.literal(1),
  rubrics: z.array(z.strictObject({ fingerprint: z.string(), rubricId: z.string(), acceptedAt: z.string() })),
});
const heldFileSchema = z.strictObject({
  version: z.literal(1),
  auditId: z.string(),
  hash: z.string(),
  signer: z.string(),
  reason: holdReasonSchema,
  message: z.string(),
  source: z.string(),
  heldAt: z.string(),
  entry: z.unknown(),
});
export type HeldFile = z.infer<typeof heldFileSchema>;
const conflictFileSchema = conflictRecordSchema.extend({ version: z.literal(1) });

const safeName = (id: string): string => id.replace(/[^0-9a-zA-Z-]/g, '_');

const fileOfEntry = (entry: ValidEntry): SealedAuditFile => ({
  envelope: entry.envelope,
  blobs: [...entry.blobs].map(([id, b]) => ({ id, type: b.type, base64url: toBase64Url(b.bytes) })),
});

/**
 * An accepted audit on disk from store layout 2: the envelope without its payload's rubric (kept once in
 * `rubrics-sealed/<fingerprint>.json`) and its images by SHA-256 (raw bytes in `images/<sha256>`). Written
 * whole, it took a tenth of the bytes and fsync time of layout 1 (the rubric and base64 images in every file).
 */
const storedAuditSchema = z.strictObject({
  version: z.literal(2),
  envelope: z.unknown(),
  rubricFingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  images: z.array(z.strictObject({ id: z.string(), type: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
type StoredAudit = z.infer<typeof storedAuditSchema>;

function storedOf(entry: ValidEntry): StoredAudit {
  const { rubric: _once, ...payload } = entry.envelope.payload;
  const sealedHashes = new Map(entry.envelope.payload.blobs.map((b) => [b.id, b.sha256]));
  return {
    version: 2,
    envelope: { ...entry.envelope, payload },
    rubricFingerprint: entry.envelope.payload.audit.rubricFingerprint,
    images: [...entry.blobs].map(([id, b]) => ({ id, type: b.type, sha256: sealedHashes.get(id) ?? '' })),
  };
}

const rubricFileName = (fingerprint: string): string => `${fingerprint.replace(/^sha256:/, '')}.json`;

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

/**
 * The CLI's local store under one folder: `audits/` (accepted: compared), `held/` (待确认签名, unknown
 * rubric, or waiting for an earlier revision), `conflicts/`, the key register `keys.json`, the rubric
 * versions head office accepted `rubrics.json`, KPI figures imported per month, site and rubric `kpi-months.json`, and `index.json` (who holds which lineage revision).
 * Every file is written whole (fsync + rename); the index is rebuilt from `audits/` when it is missing.
 */
export class FileStore implements IntakeRepository {
  private index: Map<string, StoredRevision> | undefined;

  constructor(readonly dir: string) {}

  private path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  async get(auditId: string): Promise<SealedAuditFile | undefined> {
    const file = this.path('audits', `${safeName(auditId)}.json`);
    if (!existsSync(file)) return undefined;
    return this.readAudit(file, new Map());
  }

  async all(): Promise<SealedAuditFile[]> {
    const dir = this.path('audits');
    if (!existsSync(dir)) return [];
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    const rubrics = new Map<string, unknown>();
    const entries: SealedAuditFile[] = [];
    for (const name of names) entries.push(await this.readAudit(join(dir, name), rubrics));
    return entries;
  }

  /** An accepted audit as it was received, from either store layout. */
  private async readAudit(file: string, rubrics: Map<string, unknown>): Promise<SealedAuditFile> {
    const json = await readJson(file);
    const stored = storedAuditSchema.safeParse(json);
    let whole: unknown = json;
    if (stored.success) {
      const { envelope, rubricFingerprint, images } = stored.data;
      let rubric = rubrics.get(rubricFingerprint);
      if (rubric === undefined) {
        const rubricFile = this.path('rubrics-sealed', rubricFileName(rubricFingerprint));
        if (!existsSync(rubricFile)) throw new Error(`${file}: its rubric ${rubricFingerprint} is missing from the store`);
        rubric = await readJson(rubricFile);
        rubrics.set(rubricFingerprint, rubric);
      }
      const blobs = [];
      for (const image of images) {
        const imageFile = this.path('images', image.sha256);
        if (!existsSync(imageFile)) throw new Error(`${file}: its image ${image.id} is missing from the store`);
        blobs.push({ id: image.id, type: image.type, base64url: toBase64Url(new Uint8Array(await readFile(imageFile))) });
      }
      whole = {
        envelope:
          typeof envelope === 'object' && envelope !== null && 'payload' in envelope && typeof envelope.payload === 'object'
            ? { ...envelope, payload: { ...envelope.payload, rubric } }
            : envelope,
        blobs,
      };
    }
    const parsed = sealedAuditFileSchema.safeParse(whole);
    if (!parsed.success) throw new Error(`${file}: the stored audit does not match the schema`);
    return parsed.data;
  }

  async facts(): Promise<AuditFact[]> {
    return (await this.all()).map((e) => auditFactFromEnvelope(e.envelope));
  }

  private async loadIndex(): Promise<Map<string, StoredRevision>> {
    if (this.index) return this.index;
    const file = this.path('index.json');
    const index = new Map<string, StoredRevision>();
    const parsed = existsSync(file) ? indexSchema.safeParse(await readJson(file)) : undefined;
    if (parsed?.success) for (const r of parsed.data.accepted) index.set(r.auditId, r);
    else {
      for (const entry of await this.all()) {
        const { audit } = entry.envelope.payload;
        index.set(audit.id, {
          auditId: audit.id,
          lineageId: audit.lineageId,
          revision: audit.revision,
          hash: entry.envelope.hash,
          signer: keyId(entry.envelope.payload.publicKey),
        });
      }
    }
    this.index = index;
    return index;
  }

  async keys(): Promise<EnrolledKey[]> {
    const file = this.path('keys.json');
    if (!existsSync(file)) return [];
    const parsed = keysFileSchema.safeParse(await readJson(file));
    if (!parsed.success) throw new Error(`${file}: the key register does not match the schema`);
    return parsed.data.keys;
  }

  async saveKeys(keys: readonly EnrolledKey[]): Promise<void> {
    await writeDurably(this.path('keys.json'), JSON.stringify({ version: 1, keys }, null, 2));
  }

  async acceptedRubrics(): Promise<z.infer<typeof rubricsFileSchema>['rubrics']> {
    const file = this.path('rubrics.json');
    if (!existsSync(file)) return [];
    const parsed = rubricsFileSchema.safeParse(await readJson(file));
    if (!parsed.success) throw new Error(`${file}: the accepted rubrics do not match the schema`);
    return parsed.data.rubrics;
  }

  async acceptRubric(fingerprint: string, rubricId: string, at: string): Promise<boolean> {
    const rubrics = await this.acceptedRubrics();
    if (isShippedRubric(fingerprint) || rubrics.some((r) => r.fingerprint === fingerprint)) return false;
    await writeDurably(
      this.path('rubrics.json'),
      JSON.stringify(
        { version: 1, rubrics: [...rubrics, { fingerprint, rubricId, acceptedAt: at }] },
        null,
        2,
      ),
    );
    return true;
  }

  async held(): Promise<HeldFile[]> {
    const dir = this.path('held');
    if (!existsSync(dir)) return [];
    const out: HeldFile[] = [];
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
      const parsed = heldFileSchema.safeParse(await readJson(join(dir, name)));
      if (!parsed.success) throw new Error(`${join(dir, name)}: the held audit does not match the schema`);
      out.push(parsed.data);
    }
    return out;
  }

  async conflicts(): Promise<ConflictRecord[]> {
    const dir = this.path('conflicts');
    if (!existsSync(dir)) return [];
    const out: ConflictRecord[] = [];
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
      const parsed = conflictFileSchema.safeParse(await readJson(join(dir, name)));
      if (!parsed.success)
        throw new Error(`${join(dir, name)}: the conflict record does not match the schema`);
      const { version: _version, ...record } = parsed.data;
      out.push(record);
    }
    return out;
  }

  // IntakeRepository

  async lookup(query: IntakeQuery): Promise<IntakeLookup> {
    const index = await this.loadIndex();
    const ids = new Set(query.auditIds);
    const lineages = new Set(query.lineageIds);
    const accepted = [...index.values()].filter((r) => ids.has(r.auditId) || lineages.has(r.lineageId));
    const held = (await this.held())
      .filter((h) => ids.has(h.auditId))
      .map((h) => ({ auditId: h.auditId, hash: h.hash, reason: h.reason }));
    const wanted = new Set(query.keyIds);
    const keys = (await this.keys()).filter((k) => wanted.has(k.keyId));
    const acceptedRubrics = new Set((await this.acceptedRubrics()).map((r) => r.fingerprint));
    const knownRubrics = query.rubricFingerprints.filter((f) => isShippedRubric(f) || acceptedRubrics.has(f));
    return { accepted, held, keys, knownRubrics };
  }

  async commit(changes: IntakeChanges): Promise<void> {
    const index = await this.loadIndex();
    // Rubrics and images first (each once, by content), then the audit files that name them, then the index:
    // whatever a crash leaves, nothing names a file that is not whole (the index is rebuilt from audits/).
    const shared: DurableFile[] = [];
    const seen = new Set<string>();
    for (const { entry } of changes.accept) {
      const { rubricFingerprint } = entry.envelope.payload.audit;
      const rubricFile = this.path('rubrics-sealed', rubricFileName(rubricFingerprint));
      if (!seen.has(rubricFile) && !existsSync(rubricFile))
        shared.push({ file: rubricFile, bytes: JSON.stringify(entry.envelope.payload.rubric) });
      seen.add(rubricFile);
      for (const blob of entry.envelope.payload.blobs) {
        const bytes = entry.blobs.get(blob.id)?.bytes;
        const imageFile = this.path('images', blob.sha256);
        if (bytes && !seen.has(imageFile) && !existsSync(imageFile)) shared.push({ file: imageFile, bytes });
        seen.add(imageFile);
      }
    }
    await writeManyDurably(shared);
    await writeManyDurably(
      changes.accept.map(({ entry }) => ({
        file: this.path('audits', `${safeName(entry.envelope.payload.audit.id)}.json`),
        bytes: JSON.stringify(storedOf(entry)),
      })),
    );
    for (const { entry } of changes.accept) {
      const { audit } = entry.envelope.payload;
      index.set(audit.id, {
        auditId: audit.id,
        lineageId: audit.lineageId,
        revision: audit.revision,
        hash: entry.envelope.hash,
        signer: entry.signer,
      });
    }
    if (changes.accept.length > 0)
      await writeDurably(
        this.path('index.json'),
        JSON.stringify({ version: 1, accepted: [...index.values()] }),
      );
    for (const { entry, reason, message, source } of changes.hold) {
      const { audit } = entry.envelope.payload;
      const held: HeldFile = {
        version: 1,
        auditId: audit.id,
        hash: entry.envelope.hash,
        signer: entry.signer,
        reason,
        message,
        source,
        heldAt: new Date().toISOString(),
        entry: fileOfEntry(entry),
      };
      await writeDurably(this.path('held', `${safeName(audit.id)}.json`), JSON.stringify(held));
    }
    for (const auditId of changes.release)
      await rm(this.path('held', `${safeName(auditId)}.json`), { force: true });
    for (const conflict of changes.conflicts) {
      const name = `${conflict.at.replace(/[^0-9]/g, '')}-${safeName(conflict.auditId)}-${conflict.incomingHash.slice(0, 12)}.json`;
      await writeDurably(this.path('conflicts', name), JSON.stringify({ version: 1, ...conflict }));
    }
  }

  async heldEntries(): Promise<
    { auditId: string; reason: HeldFile['reason']; entry: unknown; source: string }[]
  > {
    return (await this.held()).map((h) => ({
      auditId: h.auditId,
      reason: h.reason,
      entry: h.entry,
      source: h.source,
    }));
  }
}
