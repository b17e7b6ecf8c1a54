import { z } from 'zod';
import {
  auditFactFromEnvelope,
  decodeFactColumns,
  encodeFactColumns,
  factSummarySchema,
  summaryOf,
  unitFactSchema,
  type FactSummary,
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
  type IntakeQuery,
  type IntakeReport,
  type UnusedEntry,
  type IntakeRepository,
  type Result,
  type Rubric,
  type SealVerifier,
  type StoredRevision,
  type ValidEntry,
} from '../domain/head-office';
import type { AuditStore } from './audit-store';
import type { DuchaDb, FactRow, HeldRow, ImportRubricRow, SealRow } from './db';
import { StorageError, toStorageError } from './storage-error';

/** What intake decided, and the zip entries no audit used (reported, never stored). */
export type ImportReport = IntakeReport & { readonly unusedEntries: UnusedEntry[] };

/**
 * The settings row that holds every imported fact summary as one compact record (see encodeFactColumns): what
 * reopening the dashboard reads instead of 10,000 rows. Deleted in the same transaction as any change to the
 * facts, so it is never stale; rebuilt afterwards by `refreshDashboardSnapshot`. A settings row rather than a
 * table of its own: it needs no schema version.
 */
export const DASHBOARD_SNAPSHOT_KEY = 'dashboard-facts-snapshot';
/** How long the dashboard waits after its facts last changed before rebuilding the snapshot (not mid-import). */
export const SNAPSHOT_REFRESH_DELAY_MS = 1500;

/** A stored facts row as a summary; a row still holding its units (written before v8) is read without them. */
function summaryOfRow(row: FactRow): FactSummary {
  const fact = row.fact;
  const stored = typeof fact === 'object' && fact !== null && 'units' in fact ? withoutUnits(fact) : fact;
  const parsed = factSummarySchema.safeParse(stored);
  if (!parsed.success)
    throw new StorageError('corrupt', `stored facts of imported audit ${row.auditId} do not match the schema`);
  return parsed.data;
}

function withoutUnits(fact: object): object {
  const { units: _detail, ...summary } = { ...fact, units: undefined };
  return summary;
}

const SNAPSHOT_VERSION = 1;
/** Only what tells whether a stored snapshot is current; the columns themselves are checked when decoded. */
const snapshotHeaderSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  columns: z.object({ count: z.number().int() }),
});

/**
 * The imported facts the snapshot holds, if it is one this version wrote and it holds as many facts as the
 * table (the transaction that changes the facts deletes it, so a count that differs means something else
 * wrote them); anything else is read the slow way, never trusted.
 */
function snapshotFacts(value: unknown, count: number): FactSummary[] | undefined {
  const header = snapshotHeaderSchema.safeParse(value);
  if (!header.success || header.data.columns.count !== count) return undefined;
  const decoded = decodeFactColumns(z.object({ columns: z.unknown() }).parse(value).columns);
  return decoded.ok ? decoded.value : undefined;
}

/** The facts of one of this device's own sealed audits, made from its seal. */
function ownFactOf(row: SealRow): AuditFact {
  const envelope = sealedEnvelopeSchema.safeParse(row.envelope);
  if (!envelope.success) throw new StorageError('corrupt', `stored seal of ${row.auditId} does not match the schema`);
  return auditFactFromEnvelope(envelope.data);
}

/** The envelope with its payload's rubric left out: an import row keeps it once per fingerprint instead. */
function withoutRubric(envelope: SealedEnvelope): unknown {
  const { rubric: _kept, ...payload } = envelope.payload;
  return { ...envelope, payload };
}

/** The envelope as received: the stored one with its rubric put back. Anything odd is left for zod to refuse. */
function withRubric(stored: unknown, rubric: unknown): unknown {
  if (typeof stored !== 'object' || stored === null || !('payload' in stored)) return stored;
  const { payload } = stored;
  if (typeof payload !== 'object' || payload === null) return stored;
  return { ...stored, payload: { ...payload, rubric } };
}

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
  private readonly factCache = new Map<string, FactSummary>();
  private readonly rubricCache = new Map<string, Rubric>();
  /** Whether the last `dashboardFacts` found no current snapshot (and so read the facts rows). */
  isSnapshotStale = false;

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
    const report = await runIntake(read.value.verdicts, this, this.verify, { source: name, now: this.now });
    return { ok: true, value: { ...report, unusedEntries: read.value.unusedEntries } };
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
    return { ok: true, value: { ...report, unusedEntries: [] } };
  }

  // IntakeRepository

  async lookup(query: IntakeQuery): Promise<IntakeLookup> {
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
            const { auditId, lineageId, revision, hash, signer } = summaryOfRow(row);
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
    const accepted = changes.accept.map((a) => a.entry);
    const rubrics = new Map<string, ImportRubricRow>();
    for (const { envelope } of accepted)
      rubrics.set(envelope.payload.audit.rubricFingerprint, {
        fingerprint: envelope.payload.audit.rubricFingerprint,
        rubric: envelope.payload.rubric,
        storedAt: at,
      });
    await this.run(() =>
      this.db.transaction(
        'rw',
        [
          this.db.imports,
          this.db.importRubrics,
          this.db.importImages,
          this.db.facts,
          this.db.factUnits,
          this.db.held,
          this.db.conflicts,
          this.db.settings,
        ],
        async () => {
          if (accepted.length > 0) await this.db.settings.delete(DASHBOARD_SNAPSHOT_KEY);
          // Only rubrics not yet kept: a kept one is the same bytes (its fingerprint is their hash).
          const kept = await this.db.importRubrics.bulkGet([...rubrics.keys()]);
          await this.db.importRubrics.bulkAdd([...rubrics.values()].filter((_, i) => kept[i] === undefined));
          await this.db.imports.bulkPut(
            changes.accept.map(({ entry, source }) => ({
              auditId: entry.envelope.payload.audit.id,
              hash: entry.envelope.hash,
              lineageId: entry.envelope.payload.audit.lineageId,
              envelope: withoutRubric(entry.envelope),
              rubricFingerprint: entry.envelope.payload.audit.rubricFingerprint,
              importedAt: at,
              source,
            })),
          );
          const facts = accepted.map((entry) => auditFactFromEnvelope(entry.envelope));
          await this.db.facts.bulkPut(
            facts.map((fact) => ({
              auditId: fact.auditId,
              hash: fact.hash,
              rubricId: fact.rubricId,
              siteKey: fact.siteKey,
              auditedAt: fact.auditedAt,
              fact: summaryOf(fact),
            })),
          );
          await this.db.factUnits.bulkPut(facts.map((fact) => ({ auditId: fact.auditId, units: fact.units })));
          await this.db.importImages.bulkPut(
            accepted.flatMap((entry) =>
              [...entry.blobs].map(([id, blob]) => ({
                key: `${entry.envelope.payload.audit.id}:${id}`,
                auditId: entry.envelope.payload.audit.id,
                id,
                kind: entry.envelope.payload.blobs.find((b) => b.id === id)?.kind ?? 'photo',
                type: blob.type,
                size: blob.bytes.length,
                // A copy of just these bytes: a view would store the whole buffer it looks into.
                bytes: blob.bytes.slice(),
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
      this.db.transaction('rw', [this.db.imports, this.db.facts, this.db.factUnits, this.db.blobs, this.db.importImages, this.db.settings], async () => {
        if ((await this.db.imports.get(auditId)) === undefined)
          throw new StorageError('not_found', `no imported audit ${auditId}`);
        await this.db.settings.delete(DASHBOARD_SNAPSHOT_KEY);
        await this.db.imports.delete(auditId);
        await this.db.facts.delete(auditId);
        await this.db.factUnits.delete(auditId);
        await this.db.importImages.where('auditId').equals(auditId).delete();
        // Imported before v8: its images are Blobs in `blobs`, named by the audit.
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
   * An imported audit's sealed envelope exactly as it was received (its rubric put back from the one copy
   * kept), with its images: what a re-export or an upload to the server sends on.
   */
  async importedAudit(auditId: string): Promise<{ envelope: SealedEnvelope; images: Map<string, Uint8Array> } | undefined> {
    return this.run(() =>
      this.db.transaction('r', [this.db.imports, this.db.importRubrics, this.db.importImages, this.db.blobs], async () => {
        const row = await this.db.imports.get(auditId);
        if (!row) return undefined;
        let whole: unknown = row.envelope;
        if (row.rubricFingerprint !== undefined) {
          const rubric = await this.db.importRubrics.get(row.rubricFingerprint);
          if (!rubric) throw new StorageError('corrupt', `the rubric of imported audit ${auditId} is missing`);
          whole = withRubric(row.envelope, rubric.rubric);
        }
        const envelope = sealedEnvelopeSchema.safeParse(whole);
        if (!envelope.success)
          throw new StorageError('corrupt', `stored seal of imported audit ${auditId} does not match the schema`);
        const images = new Map<string, Uint8Array>();
        for (const image of await this.db.importImages.where('auditId').equals(auditId).toArray())
          images.set(image.id, image.bytes);
        for (const legacy of await this.db.blobs.where('auditId').equals(auditId).toArray())
          if (legacy.id.startsWith(`${auditId}:`))
            images.set(legacy.id.slice(auditId.length + 1), new Uint8Array(await legacy.blob.arrayBuffer()));
        return { envelope: envelope.data, images };
      }),
    );
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
    // Imported from v8 on: kept once by fingerprint. Before, and this device's own: inside the sealed envelope.
    const kept = await this.run(() => this.db.importRubrics.get(fingerprint));
    if (kept) {
      const parsed = parseRubric(kept.rubric);
      return parsed.ok && rubricFingerprint(parsed.value) === fingerprint ? parsed.value : undefined;
    }
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
   * Every sealed audit this device knows, without per-unit detail: its own finalised ones and every imported
   * one. Imported facts come from the snapshot when there is a current one (one record); otherwise from the
   * facts rows, each read and parsed once and then served from memory (imported facts never change once
   * written: a conflict never overwrites), so a refresh during a long import reads only what the last chunk added.
   */
  async dashboardFacts(): Promise<FactSummary[]> {
    const { snapshot, count, seals } = await this.run(() =>
      this.db.transaction('r', [this.db.settings, this.db.facts, this.db.seals], async () => ({
        snapshot: await this.db.settings.get(DASHBOARD_SNAPSHOT_KEY),
        count: await this.db.facts.count(),
        seals: await this.db.seals.toArray(),
      })),
    );
    const decoded = snapshot === undefined ? undefined : snapshotFacts(snapshot.value, count);
    this.isSnapshotStale = decoded === undefined;
    const facts = new Map<string, FactSummary>();
    if (decoded) {
      for (const fact of decoded) {
        this.factCache.set(fact.auditId, fact);
        facts.set(fact.auditId, fact);
      }
    } else {
      for (const fact of await this.importedFactsFromRows()) facts.set(fact.auditId, fact);
    }
    for (const row of seals) {
      if (facts.has(row.auditId)) continue;
      facts.set(row.auditId, summaryOf(ownFactOf(row)));
    }
    return [...facts.values()];
  }

  private async importedFactsFromRows(): Promise<FactSummary[]> {
    const ids = await this.run(() => this.db.facts.toCollection().primaryKeys());
    const missing = ids.filter((id) => !this.factCache.has(id));
    if (missing.length > 0) {
      // Most missing (a reopened dashboard: all of them): one getAll reads them far faster than a get each.
      const rows =
        missing.length > ids.length / 2
          ? await this.run(() => this.db.facts.toArray())
          : await this.run(() => this.db.facts.bulkGet(missing));
      for (const row of rows) if (row !== undefined) this.factCache.set(row.auditId, summaryOfRow(row));
    }
    return ids.flatMap((id) => {
      const fact = this.factCache.get(id);
      return fact ? [fact] : [];
    });
  }

  /**
   * Makes the snapshot of the imported facts again if there is none or it is not current, in one transaction
   * with the facts it is made from (an import cannot slip in between). True when it wrote one. Not from a live
   * query (those only read): the dashboard calls it a moment after its facts settle, the import worker at the end.
   */
  async refreshDashboardSnapshot(): Promise<boolean> {
    const wrote = await this.run(() =>
      this.db.transaction('rw', [this.db.settings, this.db.facts], async () => {
        const existing = await this.db.settings.get(DASHBOARD_SNAPSHOT_KEY);
        const count = await this.db.facts.count();
        if (existing !== undefined && snapshotFacts(existing.value, count) !== undefined) return false;
        const summaries = (await this.db.facts.toArray()).map(summaryOfRow);
        await this.db.settings.put({
          key: DASHBOARD_SNAPSHOT_KEY,
          value: { version: SNAPSHOT_VERSION, columns: encodeFactColumns(summaries) },
        });
        return true;
      }),
    );
    if (wrote) this.isSnapshotStale = false;
    return wrote;
  }

  /**
   * The same audits with their per-unit detail (grades and notes), for a drill-down or the units CSV; an
   * import removed in the meantime is left out.
   */
  async withUnits(facts: readonly FactSummary[]): Promise<AuditFact[]> {
    const ids = facts.map((f) => f.auditId);
    const [unitRows, seals] = await this.run(() =>
      Promise.all([this.db.factUnits.bulkGet(ids), this.db.seals.bulkGet(ids)]),
    );
    return facts.flatMap((fact, i) => {
      const seal = seals[i];
      if (seal && !this.factCache.has(fact.auditId)) return [ownFactOf(seal)];
      const row = unitRows[i];
      // Removed since the caller read its summaries (head office removed the import): nothing to show.
      if (row === undefined) return [];
      const units = z.array(unitFactSchema).safeParse(row.units);
      if (!units.success)
        throw new StorageError('corrupt', `stored unit facts of imported audit ${fact.auditId} do not match the schema`);
      return [{ ...fact, units: units.data }];
    });
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
