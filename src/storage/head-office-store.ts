import { z } from 'zod';
import {
  auditFactFromEnvelope,
  auditFactSchema,
  BUNDLE_FORMAT_VERSION,
  checkBundle,
  conflictRecordSchema,
  holdReasonSchema,
  DEFAULT_BUNDLE_LIMITS,
  readBundle,
  writeBundleV2,
  type BundleLimits,
  type BundleRead,
  type ByteSource,
  type SealedEnvelope,
  enrolKey,
  enrolledKeySchema,
  findKey,
  formatIssue,
  isShippedRubric,
  keyId,
  parseRubric,
  readDeviceKeyFile,
  reconsiderHeld,
  revokeKey,
  rubricFingerprint,
  runIntake,
  sealedEnvelopeSchema,
  toBase64Url,
  type AuditFact,
  type Bundle,
  type ConflictRecord,
  type EnrolledKey,
  type HoldReason,
  type IntakeChanges,
  type IntakeLookup,
  type IntakeReport,
  type IntakeRepository,
  type Result,
  type Rubric,
  type SealVerifier,
  type StoredRevision,
  type ValidEntry,
} from '../domain/index';
import type { AuditStore } from './audit-store';
import type { DuchaDb, HeldRow } from './db';
import { StorageError, toStorageError } from './storage-error';

export type ImportReport = IntakeReport;

const entryFile = (entry: ValidEntry) => ({
  envelope: entry.envelope,
  blobs: [...entry.blobs].map(([id, b]) => ({ id, type: b.type, base64url: toBase64Url(b.bytes) })),
});

/**
 * Head office's side of storage: verified imports from other devices, the key register, what is held
 * aside, conflicts, and the facts the dashboard compares. The decisions are the domain's (runIntake /
 * decideIntake); this class only looks things up and writes them, each audit whole.
 */
/**
 * The app's limits: the file is read in slices, but every verified image is held until the import commits, so
 * the browser stops at 1 GiB (the CLI at 2 GiB, `--max-size`).
 */
export const APP_BUNDLE_LIMITS: BundleLimits = { ...DEFAULT_BUNDLE_LIMITS, maxFileBytes: 1024 * 1024 * 1024 };

export class HeadOfficeStore implements IntakeRepository {
  private readonly factCache = new Map<string, AuditFact>();
  private readonly rubricCache = new Map<string, Rubric>();

  constructor(
    private readonly db: DuchaDb,
    private readonly audits: AuditStore,
    private readonly verify: SealVerifier,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /**
   * A bundle file of either format, read through `source` (a File's slices: a v2 bundle is never read whole and
   * never base64). A file over the limits or not a bundle at all is an error and nothing is written.
   */
  async importBundleFile(
    source: ByteSource,
    name: string,
    limits: BundleLimits = APP_BUNDLE_LIMITS,
  ): Promise<BundleRead<ImportReport>> {
    const read = await readBundle(source, this.verify, limits);
    if (!read.ok) return read;
    const report = await runIntake(read.value, this, this.verify, { source: name, now: this.now });
    return { ok: true, value: report };
  }

  async importBundle(input: unknown, source: string): Promise<Result<ImportReport>> {
    const checked = await checkBundle(input, this.verify);
    if (!checked.ok)
      return {
        ok: false,
        issues: [
          { path: '(file)', message: `not a Ducha bundle: ${checked.issues.map(formatIssue).join('; ')}` },
        ],
      };
    const report = await runIntake(checked.value, this, this.verify, { source, now: this.now });
    return { ok: true, value: report };
  }

  // IntakeRepository

  async lookup(query: Parameters<IntakeRepository['lookup']>[0]): Promise<IntakeLookup> {
    return this.run(() =>
      this.db.transaction(
        'r',
        [
          this.db.imports,
          this.db.facts,
          this.db.seals,
          this.db.audits,
          this.db.held,
          this.db.keys,
          this.db.acceptedRubrics,
          this.db.deviceKeys,
        ],
        async () => {
          const byLineage = await this.db.imports
            .where('lineageId')
            .anyOf([...query.lineageIds])
            .primaryKeys();
          const importIds = [...new Set([...query.auditIds, ...byLineage])];
          const factRows = await this.db.facts.bulkGet(importIds);
          const accepted: StoredRevision[] = [];
          for (const row of factRows) {
            if (!row) continue;
            const fact = auditFactSchema.safeParse(row.fact);
            if (!fact.success)
              throw new StorageError(
                'corrupt',
                `stored facts of imported audit ${row.auditId} do not match the schema`,
              );
            const { auditId, lineageId, revision, hash, signer } = fact.data;
            accepted.push({ auditId, lineageId, revision, hash, signer });
          }
          // This device's own sealed audits count as accepted too.
          const ownByLineage = await this.db.audits
            .where('lineageId')
            .anyOf([...query.lineageIds])
            .primaryKeys();
          const ownIds = [...new Set([...query.auditIds, ...ownByLineage])];
          const seen = new Set(accepted.map((a) => a.auditId));
          for (const row of await this.db.seals.bulkGet(ownIds)) {
            if (!row || seen.has(row.auditId)) continue;
            const envelope = sealedEnvelopeSchema.safeParse(row.envelope);
            if (!envelope.success)
              throw new StorageError('corrupt', `stored seal of ${row.auditId} does not match the schema`);
            const { audit } = envelope.data.payload;
            accepted.push({
              auditId: audit.id,
              lineageId: audit.lineageId,
              revision: audit.revision,
              hash: row.hash,
              signer: keyId(envelope.data.payload.publicKey),
            });
          }
          const held = (await this.db.held.bulkGet([...query.auditIds])).flatMap((h) =>
            h ? [{ auditId: h.auditId, hash: h.hash, reason: this.parseReason(h) }] : [],
          );
          const keys = (await this.db.keys.bulkGet([...query.keyIds])).flatMap((row) =>
            row ? [this.parseKey(row.key)] : [],
          );
          const acceptedRubrics = new Set(
            (await this.db.acceptedRubrics.bulkGet([...query.rubricFingerprints])).flatMap((r) =>
              r ? [r.fingerprint] : [],
            ),
          );
          const device = await this.db.deviceKeys.get('device');
          const ownKey = device ? this.ownKeyIdOf(device.publicKey) : undefined;
          return {
            accepted,
            held,
            keys,
            knownRubrics: query.rubricFingerprints.filter(
              (f) => isShippedRubric(f) || acceptedRubrics.has(f),
            ),
            ownKeyId: ownKey,
          };
        },
      ),
    );
  }

  private ownKeyIdOf(publicKey: unknown): string | undefined {
    const parsed = z
      .object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() })
      .safeParse(publicKey);
    return parsed.success ? keyId(parsed.data) : undefined;
  }

  private parseReason(row: HeldRow): HoldReason {
    const parsed = holdReasonSchema.safeParse(row.reason);
    if (!parsed.success) throw new StorageError('corrupt', `held audit ${row.auditId} has no valid reason`);
    return parsed.data;
  }

  private parseKey(value: unknown): EnrolledKey {
    const parsed = enrolledKeySchema.safeParse(value);
    if (!parsed.success) throw new StorageError('corrupt', 'a key register entry does not match the schema');
    return parsed.data;
  }

  async commit(changes: IntakeChanges): Promise<void> {
    const at = this.now();
    await this.run(() =>
      this.db.transaction(
        'rw',
        [this.db.imports, this.db.facts, this.db.blobs, this.db.held, this.db.conflicts],
        async () => {
          const accepted = changes.accept.map((a) => a.entry);
          await this.db.imports.bulkPut(
            changes.accept.map(({ entry, source }) => ({
              auditId: entry.envelope.payload.audit.id,
              hash: entry.envelope.hash,
              lineageId: entry.envelope.payload.audit.lineageId,
              envelope: entry.envelope,
              importedAt: at,
              source,
            })),
          );
          await this.db.facts.bulkPut(
            accepted.map((entry) => {
              const fact = auditFactFromEnvelope(entry.envelope);
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
            accepted.flatMap((entry) =>
              [...entry.blobs].map(([id, blob]) => ({
                id: `${entry.envelope.payload.audit.id}:${id}`,
                auditId: entry.envelope.payload.audit.id,
                kind: entry.envelope.payload.blobs.find((b) => b.id === id)?.kind ?? 'photo',
                blob: new Blob([Uint8Array.from(blob.bytes)], { type: blob.type }),
                type: blob.type,
                size: blob.bytes.length,
                createdAt: at,
              })),
            ),
          );
          await this.db.held.bulkPut(
            changes.hold.map(({ entry, reason, message, source }): HeldRow => {
              const { audit } = entry.envelope.payload;
              return {
                auditId: audit.id,
                hash: entry.envelope.hash,
                lineageId: audit.lineageId,
                revision: audit.revision,
                signer: entry.signer,
                siteName: audit.site.name,
                rubricId: audit.rubricId,
                reason,
                message,
                source,
                heldAt: at,
                entry: entryFile(entry),
              };
            }),
          );
          await this.db.held.bulkDelete([...changes.release]);
          await this.db.conflicts.bulkAdd(
            changes.conflicts.map((record) => ({ auditId: record.auditId, record })),
          );
        },
      ),
    );
  }

  async heldEntries(): Promise<{ auditId: string; reason: HoldReason; entry: unknown; source: string }[]> {
    const rows = await this.run(() => this.db.held.toArray());
    return rows.map((r) => ({
      auditId: r.auditId,
      reason: this.parseReason(r),
      entry: r.entry,
      source: r.source,
    }));
  }

  // Key register, held audits and conflicts, for head office's screens.

  async keys(): Promise<EnrolledKey[]> {
    const rows = await this.run(() => this.db.keys.toArray());
    return rows.map((r) => this.parseKey(r.key));
  }

  /** This device's own key id (its seals count here without enrolment), if it has made one. */
  async ownKeyId(): Promise<string | undefined> {
    const device = await this.run(() => this.db.deviceKeys.get('device'));
    return device ? this.ownKeyIdOf(device.publicKey) : undefined;
  }

  /** Reads a `.ducha-key` file without enrolling anything: what the admin is asked to confirm. */
  async readKeyFile(json: unknown) {
    return readDeviceKeyFile(json, this.verify);
  }

  /**
   * Enrols a tablet's key after the admin confirmed its fingerprint, then checks every held audit again
   * (those it signed now count).
   */
  async enrol(
    json: unknown,
    confirm: { fingerprint: string; deviceLabel?: string; auditor?: string },
  ): Promise<Result<{ key: EnrolledKey; report: IntakeReport }>> {
    const content = await readDeviceKeyFile(json, this.verify);
    if (!content.ok) return content;
    const enrolled = enrolKey(await this.keys(), content.value, { ...confirm, at: this.now() });
    if (!enrolled.ok) return enrolled;
    await this.run(() => this.db.keys.add({ keyId: enrolled.value.keyId, key: enrolled.value }));
    const report = await reconsiderHeld(this, this.verify, { now: this.now });
    return { ok: true, value: { key: enrolled.value, report } };
  }

  async revoke(fingerprint: string, reason?: string): Promise<Result<EnrolledKey>> {
    const key = findKey(await this.keys(), fingerprint);
    if (!key.ok) return key;
    const revoked = revokeKey(key.value, this.now(), reason);
    if (!revoked.ok) return revoked;
    await this.run(() => this.db.keys.put({ keyId: revoked.value.keyId, key: revoked.value }));
    return revoked;
  }

  async heldAudits(): Promise<HeldRow[]> {
    return this.run(() => this.db.held.orderBy('auditId').toArray());
  }

  async conflictRecords(): Promise<ConflictRecord[]> {
    const rows = await this.run(() => this.db.conflicts.toArray());
    return rows.map((row) => {
      const parsed = conflictRecordSchema.safeParse(row.record);
      if (!parsed.success)
        throw new StorageError('corrupt', `conflict record of ${row.auditId} does not match the schema`);
      return parsed.data;
    });
  }

  /**
   * Accepts the rubric version a held audit was scored against (after head office checked it), and takes
   * in every held audit that now passes.
   */
  async acceptRubricOf(auditId: string): Promise<Result<IntakeReport>> {
    const row = await this.run(() => this.db.held.get(auditId));
    const envelope = z.object({ envelope: sealedEnvelopeSchema }).safeParse(row?.entry);
    if (!row || !envelope.success)
      return { ok: false, issues: [{ path: auditId, message: 'no such held audit' }] };
    const rubric = parseRubric(envelope.data.envelope.payload.rubric);
    if (!rubric.ok) return rubric;
    await this.run(() =>
      this.db.acceptedRubrics.put({
        fingerprint: rubricFingerprint(rubric.value),
        rubricId: rubric.value.id,
        acceptedAt: this.now(),
      }),
    );
    return { ok: true, value: await reconsiderHeld(this, this.verify, { now: this.now }) };
  }

  /** Drops a held audit head office decided not to take (a sealed local audit is never touched). */
  async discardHeld(auditId: string): Promise<void> {
    await this.run(() => this.db.held.delete(auditId));
  }

  /**
   * Removes an imported audit from comparison: its import row, its facts and the image files the import
   * stored, in one transaction. This device's own audits and seals are never touched, even with the same id.
   */
  async removeImport(auditId: string): Promise<void> {
    await this.run(() =>
      this.db.transaction('rw', [this.db.imports, this.db.facts, this.db.blobs], async () => {
        if ((await this.db.imports.get(auditId)) === undefined)
          throw new StorageError('not_found', `no imported audit ${auditId}`);
        await this.db.imports.delete(auditId);
        await this.db.facts.delete(auditId);
        await this.db.blobs
          .where('auditId')
          .equals(auditId)
          .filter((row) => row.id.startsWith(`${auditId}:`))
          .delete();
      }),
    );
    this.factCache.delete(auditId);
  }

  /**
   * The exact rubric each of these audits was scored against, by fingerprint: what drill-down reads the units'
   * 标准 from. This device keeps the rubrics of its own audits; an imported audit carries its rubric inside the
   * seal, so one sealed envelope per fingerprint is read (and then kept in memory: a fingerprint never changes).
   */
  async rubricsFor(
    audits: readonly { auditId: string; rubricFingerprint: string }[],
  ): Promise<ReadonlyMap<string, Rubric>> {
    const found = new Map<string, Rubric>();
    for (const { auditId, rubricFingerprint: fingerprint } of audits) {
      if (found.has(fingerprint)) continue;
      const rubric = this.rubricCache.get(fingerprint) ?? (await this.sealedRubric(auditId, fingerprint));
      if (rubric) {
        this.rubricCache.set(fingerprint, rubric);
        found.set(fingerprint, rubric);
      }
    }
    return found;
  }

  private async sealedRubric(auditId: string, fingerprint: string): Promise<Rubric | undefined> {
    const row = await this.run(async () => (await this.db.imports.get(auditId)) ?? this.db.seals.get(auditId));
    const envelope = sealedEnvelopeSchema.safeParse(row?.envelope);
    if (!envelope.success) return undefined;
    const { rubric } = envelope.data.payload;
    return rubricFingerprint(rubric) === fingerprint ? rubric : undefined;
  }

  /** The ids of every audit imported from another device's bundle (head office may remove those). */
  async importedIds(): Promise<string[]> {
    return this.run(() => this.db.imports.toCollection().primaryKeys());
  }

  /** Whether this audit came from another device's bundle (and so head office may remove it). */
  async isImported(auditId: string): Promise<boolean> {
    return (await this.run(() => this.db.imports.get(auditId))) !== undefined;
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

  /** Bundle format 2 (zip) of the given finalised local audits, with their images; what 导出 downloads. */
  async exportBundleFile(auditIds: readonly string[]): Promise<{ bytes: Uint8Array; count: number }> {
    const entries: { envelope: SealedEnvelope; images: ReadonlyMap<string, Uint8Array> }[] = [];
    for (const id of auditIds) {
      const data = await this.audits.getSheetData(id);
      if (!data.seal) throw new StorageError('invalid', `audit ${id} is not finalised and sealed`);
      entries.push({ envelope: data.seal, images: data.images });
    }
    // Marked exported by the caller once the file is handed over, not here.
    const bytes = writeBundleV2(entries, this.now());
    return { bytes, count: entries.length };
  }

  /** Bundle format 1 (JSON) of the given finalised local audits, with their images. */
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
    // Marked exported by the caller once the file is handed over, not here.
    return { format: 'ducha.bundle', version: BUNDLE_FORMAT_VERSION, createdAt: this.now(), audits };
  }
}
