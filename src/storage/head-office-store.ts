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
  type Result,
  type SealVerifier,
} from '../domain/index';
import type { AuditStore } from './audit-store';
import type { DuchaDb } from './db';
import { StorageError } from './storage-error';

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
    try {
      await this.db.transaction('rw', [this.db.imports, this.db.seals, this.db.blobs], async () => {
        const seen = new Map<string, string>();
        for (const verdict of checked.value) {
          if (verdict.status === 'refused') {
            report.refused.push({
              index: verdict.index,
              auditId: verdict.auditId,
              kind: verdict.kind,
              reason: verdict.reason,
            });
            continue;
          }
          const { envelope } = verdict;
          const auditId = envelope.payload.audit.id;
          const existingHash =
            seen.get(auditId) ??
            (await this.db.imports.get(auditId))?.hash ??
            (await this.db.seals.get(auditId))?.hash;
          if (existingHash === envelope.hash) {
            report.unchanged.push(auditId);
            continue;
          }
          if (existingHash !== undefined) {
            report.conflicts.push({
              auditId,
              siteName: envelope.payload.audit.site.name,
              existingHash,
              incomingHash: envelope.hash,
            });
            continue;
          }
          const importedAt = this.now();
          await this.db.imports.add({
            auditId,
            hash: envelope.hash,
            lineageId: envelope.payload.audit.lineageId,
            envelope,
            fact: auditFactFromEnvelope(envelope),
            importedAt,
            source,
          });
          for (const [id, blob] of verdict.blobs) {
            await this.db.blobs.put({
              id: `${auditId}:${id}`,
              auditId,
              kind: envelope.payload.blobs.find((b) => b.id === id)?.kind ?? 'photo',
              blob: new Blob([Uint8Array.from(blob.bytes)], { type: blob.type }),
              type: blob.type,
              size: blob.bytes.length,
              createdAt: importedAt,
            });
          }
          seen.set(auditId, envelope.hash);
          report.stored.push({
            auditId,
            siteName: envelope.payload.audit.site.name,
            rubricId: envelope.payload.audit.rubricId,
          });
        }
      });
    } catch (error) {
      throw error instanceof StorageError
        ? error
        : new StorageError('unknown', error instanceof Error ? error.message : String(error), {
            cause: error,
          });
    }
    return { ok: true, value: report };
  }

  /** Every sealed audit this device knows: its own finalised ones and every imported one. */
  async dashboardFacts(): Promise<AuditFact[]> {
    const [imports, seals] = await Promise.all([this.db.imports.toArray(), this.db.seals.toArray()]);
    const facts = new Map<string, AuditFact>();
    for (const row of imports) {
      const parsed = auditFactSchema.safeParse(row.fact);
      if (!parsed.success)
        throw new StorageError(
          'corrupt',
          `stored facts of imported audit ${row.auditId} do not match the schema`,
        );
      facts.set(row.auditId, parsed.data);
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
