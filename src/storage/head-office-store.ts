import {
  auditFactFromEnvelope,
  auditFactSchema,
  BUNDLE_FORMAT_VERSION,
  checkBundle,
  formatIssue,
  sealedEnvelopeSchema,
  toBase64Url,
  type AuditFact,
  type Bundle,
  type EntryVerdict,
  type Result,
  type SealVerifier,
} from '../domain/index';
import type { AuditStore } from './audit-store';
import type { DuchaDb } from './db';
import { StorageError, toStorageError } from './storage-error';

const IMPORT_CHUNK = 250;

export interface ImportReport {
  readonly stored: readonly { auditId: string; siteName: string; rubricId: string }[];
  /** Already here with the same seal: re-importing changes nothing. */
  readonly unchanged: readonly string[];
  /** The same audit id with a different sealed content: kept as it was, shown to the user. */
  readonly conflicts: readonly {
    auditId: string;
    siteName: string;
    existingHash: string;
    incomingHash: string;
  }[];
  readonly refused: readonly { index: number; auditId: string | undefined; kind: string; reason: string }[];
}

/**
 * Head office's side of storage: verified imports from other devices and the facts the dashboard
 * compares. Verification (signatures, hashes) runs before the write transaction; the write then adds
 * every new valid audit or none.
 */
export class HeadOfficeStore {
  private readonly factCache = new Map<string, AuditFact>();

  constructor(
    private readonly db: DuchaDb,
    private readonly audits: AuditStore,
    private readonly verify: SealVerifier,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  async importBundle(input: unknown, source: string): Promise<Result<ImportReport>> {
    const checked = await checkBundle(input, this.verify);
    if (!checked.ok)
      return {
        ok: false,
        issues: [
          { path: '(file)', message: `not a Ducha bundle: ${checked.issues.map(formatIssue).join('; ')}` },
        ],
      };
    const report: {
      stored: ImportReport['stored'][number][];
      unchanged: string[];
      conflicts: ImportReport['conflicts'][number][];
      refused: ImportReport['refused'][number][];
    } = {
      stored: [],
      unchanged: [],
      conflicts: [],
      refused: [],
    };
    const valid: Extract<EntryVerdict, { status: 'valid' }>[] = [];
    for (const verdict of checked.value) {
      if (verdict.status === 'refused')
        report.refused.push({
          index: verdict.index,
          auditId: verdict.auditId,
          kind: verdict.kind,
          reason: verdict.reason,
        });
      else valid.push(verdict);
    }
    // What is already here, read in bulk: imported audits by their facts, this device's own by their seals.
    const ids = valid.map((v) => v.envelope.payload.audit.id);
    const [factRows, sealRows] = await this.run(() =>
      this.db.transaction('r', [this.db.facts, this.db.seals], () =>
        Promise.all([this.db.facts.bulkGet(ids), this.db.seals.bulkGet(ids)]),
      ),
    );
    const known = new Map<string, string>();
    ids.forEach((id, i) => {
      const hash = factRows[i]?.hash ?? sealRows[i]?.hash;
      if (hash !== undefined) known.set(id, hash);
    });
    const fresh: typeof valid = [];
    for (const verdict of valid) {
      const { envelope } = verdict;
      const auditId = envelope.payload.audit.id;
      const existingHash = known.get(auditId);
      if (existingHash === envelope.hash) report.unchanged.push(auditId);
      else if (existingHash !== undefined)
        report.conflicts.push({
          auditId,
          siteName: envelope.payload.audit.site.name,
          existingHash,
          incomingHash: envelope.hash,
        });
      else {
        known.set(auditId, envelope.hash);
        fresh.push(verdict);
      }
    }
    // Written in chunks: each audit lands whole (envelope, facts and images in one transaction), and one
    // huge transaction over thousands of audits is what makes browsers crawl. A re-import completes an
    // interrupted one, since stored audits come back as unchanged.
    const importedAt = this.now();
    for (let start = 0; start < fresh.length; start += IMPORT_CHUNK) {
      const chunk = fresh.slice(start, start + IMPORT_CHUNK);
      await this.run(() =>
        this.db.transaction('rw', [this.db.imports, this.db.facts, this.db.blobs], async () => {
          await this.db.imports.bulkAdd(
            chunk.map(({ envelope }) => ({
              auditId: envelope.payload.audit.id,
              hash: envelope.hash,
              lineageId: envelope.payload.audit.lineageId,
              envelope,
              importedAt,
              source,
            })),
          );
          await this.db.facts.bulkAdd(
            chunk.map(({ envelope }) => {
              const fact = auditFactFromEnvelope(envelope);
              return {
                auditId: fact.auditId,
                hash: fact.hash,
                rubricId: fact.rubricId,
                siteKey: fact.siteKey,
                auditedAt: fact.auditedAt,
                fact,
              };
            }),
          );
          await this.db.blobs.bulkPut(
            chunk.flatMap(({ envelope, blobs }) =>
              [...blobs].map(([id, blob]) => ({
                id: `${envelope.payload.audit.id}:${id}`,
                auditId: envelope.payload.audit.id,
                kind: envelope.payload.blobs.find((b) => b.id === id)?.kind ?? 'photo',
                blob: new Blob([Uint8Array.from(blob.bytes)], { type: blob.type }),
                type: blob.type,
                size: blob.bytes.length,
                createdAt: importedAt,
              })),
            ),
          );
        }),
      );
      for (const { envelope } of chunk)
        report.stored.push({
          auditId: envelope.payload.audit.id,
          siteName: envelope.payload.audit.site.name,
          rubricId: envelope.payload.audit.rubricId,
        });
    }
    return { ok: true, value: report };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStorageError(error);
    }
  }

  /**
   * Every sealed audit this device knows: its own finalised ones and every imported one. Imported facts
   * never change once written (a conflict never overwrites), so each is read and parsed once and then
   * served from memory; a refresh during a long import reads only what the last chunk added.
   */
  async dashboardFacts(): Promise<AuditFact[]> {
    const [ids, seals] = await this.run(() =>
      Promise.all([this.db.facts.toCollection().primaryKeys(), this.db.seals.toArray()]),
    );
    const missing = ids.filter((id) => !this.factCache.has(id));
    if (missing.length > 0) {
      const rows = await this.run(() => this.db.facts.bulkGet(missing));
      for (const row of rows) {
        if (row === undefined) continue;
        const parsed = auditFactSchema.safeParse(row.fact);
        if (!parsed.success)
          throw new StorageError(
            'corrupt',
            `stored facts of imported audit ${row.auditId} do not match the schema`,
          );
        this.factCache.set(row.auditId, parsed.data);
      }
    }
    const facts = new Map<string, AuditFact>();
    for (const id of ids) {
      const fact = this.factCache.get(id);
      if (fact) facts.set(id, fact);
    }
    for (const row of seals) {
      if (facts.has(row.auditId)) continue;
      const envelope = sealedEnvelopeSchema.safeParse(row.envelope);
      if (!envelope.success)
        throw new StorageError('corrupt', `stored seal of ${row.auditId} does not match the schema`);
      facts.set(row.auditId, auditFactFromEnvelope(envelope.data));
    }
    return [...facts.values()];
  }

  /** A bundle of the given finalised local audits, with their images. */
  async exportBundle(auditIds: readonly string[]): Promise<Bundle> {
    const audits: Bundle['audits'] = [];
    for (const id of auditIds) {
      const data = await this.audits.getSheetData(id);
      if (!data.seal) throw new StorageError('invalid', `audit ${id} is not finalised and sealed`);
      const types = new Map(data.seal.payload.blobs.map((b) => [b.id, b.type]));
      audits.push({
        envelope: data.seal,
        blobs: [...data.images].map(([blobId, bytes]) => ({
          id: blobId,
          type: types.get(blobId) ?? 'image/jpeg',
          base64url: toBase64Url(bytes),
        })),
      });
    }
    await this.audits.markExported(auditIds);
    return { format: 'ducha.bundle', version: BUNDLE_FORMAT_VERSION, createdAt: this.now(), audits };
  }
}
