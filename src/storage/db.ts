import Dexie, { type EntityTable, type Table } from 'dexie';
import { auditFactFromEnvelope, keyId, sealedEnvelopeSchema, type AuditHeader } from '../domain/index';
import { newOutboxEntry, outboxRowOf } from './outbox';

/** Answer rows are kept apart from the header so that every tap writes one small row and two tabs
 * grading different units never overwrite each other. */
export interface AnswerRow {
  readonly auditId: string;
  readonly unitId: string;
  readonly grade?: string;
  readonly note: string;
  readonly photoIds: readonly string[];
  /** The call timing of a timed unit (KF01 3), versioned; read through answerSchema like the rest. Not indexed. */
  readonly timing?: unknown;
  readonly updatedAt: string;
}

export interface BlobRow {
  readonly id: string;
  readonly auditId: string;
  readonly kind: 'photo' | 'signature';
  readonly unitId?: string;
  readonly blob: Blob;
  readonly type: string;
  readonly size: number;
  readonly createdAt: string;
}

export interface RubricRow {
  readonly fingerprint: string;
  readonly rubricId: string;
  readonly content: unknown;
  readonly storedAt: string;
  /** A version a server published, for new audits (server-rubrics.ts). Not indexed. */
  readonly published?: unknown;
}

export interface SiteRow {
  readonly id: string;
  readonly name: string;
  readonly code?: string;
  readonly region?: string;
  readonly lastUsedAt: string;
  /** A server's site (id server:<code>): what the server said of it (server-sites.ts). Not indexed. */
  readonly server?: unknown;
  /** A site added here while linked to a server: its proposal's state (server-sites.ts). Not indexed. */
  readonly proposal?: unknown;
}

export interface SealRow {
  readonly auditId: string;
  readonly hash: string;
  /** A SealedEnvelope; parsed with zod whenever it is read. */
  readonly envelope: unknown;
  readonly sealedAt: string;
}

/** The private key is non-extractable: it can sign on this device and never leave it. */
export interface DeviceKeyRow {
  readonly id: 'device';
  readonly privateKey: CryptoKey;
  readonly publicKey: unknown;
  readonly createdAt: string;
}

/** A verified audit from another device: its sealed envelope, kept as imported. */
export interface ImportRow {
  readonly auditId: string;
  readonly hash: string;
  readonly lineageId: string;
  readonly envelope: unknown;
  /**
   * From v8: the envelope is kept without its payload's rubric, which is kept once in `importRubrics` under
   * this fingerprint (10,000 audits of one rubric wrote it 10,000 times). Absent: the envelope is whole.
   */
  readonly rubricFingerprint?: string;
  /** v4 kept the AuditFact here; from v5 it lives in `facts`. */
  readonly fact?: unknown;
  readonly importedAt: string;
  readonly source: string;
}

/** A rubric exactly as imported envelopes sealed it, once per fingerprint (v8). */
export interface ImportRubricRow {
  readonly fingerprint: string;
  readonly rubric: unknown;
  readonly storedAt: string;
}

/**
 * An image of an imported audit, as bytes (v8). Imported images were Blobs in `blobs` before: Chromium makes
 * each stored Blob a file of its own, and creating and storing 20,000 of them was a third of a big import.
 */
export interface ImportImageRow {
  /** `${auditId}:${blob id}` */
  readonly key: string;
  readonly auditId: string;
  readonly id: string;
  readonly kind: 'photo' | 'signature';
  readonly type: string;
  readonly size: number;
  readonly bytes: Uint8Array;
  readonly createdAt: string;
}

/** The comparison facts of one imported audit (an AuditFact, parsed with zod when read). */
export interface FactRow {
  readonly auditId: string;
  readonly hash: string;
  readonly rubricId: string;
  readonly siteKey: string;
  readonly auditedAt: string;
  /** An AuditFact; from v8 without its `units`, which are in `factUnits`. */
  readonly fact: unknown;
}

/** v8: the per-unit detail of an imported audit's facts, read only for a drill-down or the units CSV. */
export interface FactUnitsRow {
  readonly auditId: string;
  readonly units: unknown;
}

/** v6: an audit held aside (待确认签名, unknown rubric, or waiting for its predecessor), kept as received. */
export interface HeldRow {
  readonly auditId: string;
  readonly hash: string;
  readonly lineageId: string;
  readonly revision: number;
  readonly signer: string;
  readonly siteName: string;
  readonly rubricId: string;
  readonly reason: string;
  readonly message: string;
  readonly source: string;
  readonly heldAt: string;
  /** The sealed-audit file (envelope + base64url images) as received; checked again before it counts. */
  readonly entry: unknown;
}

/** v6: a revision that was refused because another one holds its place; both sides are kept for people to see. */
export interface ConflictRow {
  readonly seq?: number;
  readonly auditId: string;
  /** A ConflictRecord; parsed with zod when read. */
  readonly record: unknown;
}


/** v9: one month of one site on one KPI rubric, imported from figures (a KpiMonth, parsed with zod when read). */
export interface KpiMonthRow {
  /** kpiMonthKey: month, site key and rubric; a re-import of the same key replaces the row. */
  readonly key: string;
  readonly month: string;
  readonly rubricId: string;
  readonly record: unknown;
}

/**
 * v10: one row per sealed revision on its way to the server (an OutboxEntry, parsed with zod when read); status
 * and lineage indexed.
 */
export interface OutboxRow {
  readonly auditId: string;
  readonly lineageId: string;
  readonly status: string;
  readonly [field: string]: unknown;
}

export interface SettingRow {
  readonly key: string;
  readonly value: unknown;
}

export const DB_NAME = 'ducha';

/**
 * Schema history. A version, once shipped, is never edited: changes are new versions with an upgrade.
 * Stored rows are parsed with zod when read (see the repositories), so a row that does not match is
 * reported, never trusted.
 */
export const schemaVersions = {
  1: {
    audits: 'id, lineageId, status, updatedAt',
    answers: '[auditId+unitId], auditId',
    blobs: 'id, auditId',
    rubrics: 'fingerprint, rubricId',
    sites: 'id, name',
    settings: 'key',
  },
  /** v2: the list shows the latest revision of each audit and searches by site: index both. */
  2: {
    audits: 'id, lineageId, status, updatedAt, [lineageId+revision], site.name',
  },
  /** v3: sealed envelopes of finalised audits, and the device's signing key. */
  3: {
    seals: 'auditId, hash',
    deviceKeys: 'id',
  },
  /** v4: audits imported from other devices' bundles, for the head-office dashboard. */
  4: {
    imports: 'auditId, hash, lineageId, importedAt',
  },
  /**
   * v5: the dashboard's facts in a table of their own, so opening it reads ≈2 KB per audit instead of
   * every sealed envelope; the upgrade moves the facts v4 kept inside the import rows.
   */
  5: {
    facts: 'auditId, rubricId, siteKey, auditedAt',
  },
  /**
   * v6: trust. The key register, audits held aside until head office knows their signer, rubric or
   * predecessor, conflicts with both sides, and accepted rubric versions; facts name their signer.
   */
  6: {
    keys: 'keyId',
    held: 'auditId, lineageId, reason, signer',
    conflicts: '++seq, auditId',
    acceptedRubrics: 'fingerprint',
  },
  /**
   * v7: no schema change. Its upgrade gives every imported audit whose facts the first v5 upgrade lost
   * its facts row again, re-made from the envelope the import kept.
   */
  7: {},
  /**
   * v8: imported audits keep each rubric once (`importRubrics`) and their images as bytes (`importImages`);
   * import rows written before keep their whole envelope, and their images stay in `blobs`. Facts lose their
   * per-unit detail to `factUnits` (the upgrade moves it), so opening the dashboard reads a third as much.
   */
  8: {
    importRubrics: 'fingerprint',
    importImages: 'key, auditId',
    factUnits: 'auditId',
  },
  /** v9: KPI figures imported on the dashboard, scored per month, site and rubric (no seal: 导入数据). */
  9: {
    kpiMonths: 'key, month, rubricId',
  },
  /**
   * v10: the outbox. Every sealed revision gets an entry in the transaction that seals it; the upgrade gives
   * each revision sealed before one (待上传), so a device that signs in later sends what it already had.
   */
  10: {
    outbox: 'auditId, lineageId, status',
  },
  /**
   * v11: head office is the server. The browser's key register and accepted rubrics go (the server keeps its
   * own); audits imported from other devices stay until the dashboard has uploaded them (legacy-imports.ts),
   * and the upgrade drops the dashboard's snapshot of their facts, which nothing reads any more.
   */
  11: {
    keys: null,
    acceptedRubrics: null,
  },
} as const;

/** The settings row v5–v10 kept every imported fact in; derived data, deleted by the v11 upgrade. */
const OLD_FACTS_SNAPSHOT_KEY = 'dashboard-facts-snapshot';

export class DuchaDb extends Dexie {
  audits!: EntityTable<AuditHeader, 'id'>;
  answers!: Table<AnswerRow, [string, string]>;
  blobs!: EntityTable<BlobRow, 'id'>;
  rubrics!: EntityTable<RubricRow, 'fingerprint'>;
  sites!: EntityTable<SiteRow, 'id'>;
  settings!: EntityTable<SettingRow, 'key'>;
  seals!: EntityTable<SealRow, 'auditId'>;
  deviceKeys!: EntityTable<DeviceKeyRow, 'id'>;
  imports!: EntityTable<ImportRow, 'auditId'>;
  facts!: EntityTable<FactRow, 'auditId'>;
  held!: EntityTable<HeldRow, 'auditId'>;
  conflicts!: EntityTable<ConflictRow, 'seq'>;
  importRubrics!: EntityTable<ImportRubricRow, 'fingerprint'>;
  importImages!: EntityTable<ImportImageRow, 'key'>;
  factUnits!: EntityTable<FactUnitsRow, 'auditId'>;
  kpiMonths!: EntityTable<KpiMonthRow, 'key'>;
  outbox!: EntityTable<OutboxRow, 'auditId'>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores(schemaVersions[1]);
    this.version(2).stores(schemaVersions[2]);
    this.version(3).stores(schemaVersions[3]);
    this.version(4).stores(schemaVersions[4]);
    this.version(5)
      .stores(schemaVersions[5])
      .upgrade(async (tx) => {
        // Every write awaited; a fact that is not recognisably one stays in its import row (v7 re-derives it).
        const facts = tx.table<FactRow, string>('facts');
        const imports = tx.table<ImportRow, string>('imports');
        const moved: FactRow[] = [];
        for (const row of await imports.toArray()) {
          const fact = row.fact;
          if (typeof fact !== 'object' || fact === null) continue;
          if (!('rubricId' in fact && 'siteKey' in fact && 'auditedAt' in fact)) continue;
          const { rubricId, siteKey, auditedAt } = fact;
          if (typeof rubricId !== 'string' || typeof siteKey !== 'string' || typeof auditedAt !== 'string')
            continue;
          moved.push({ auditId: row.auditId, hash: row.hash, rubricId, siteKey, auditedAt, fact });
        }
        await facts.bulkPut(moved);
        const movedIds = new Set(moved.map((r) => r.auditId));
        await imports
          .where('auditId')
          .anyOf([...movedIds])
          .modify((row: { fact?: unknown }) => {
            delete row.fact;
          });
      });
    this.version(6)
      .stores(schemaVersions[6])
      .upgrade(async (tx) => {
        // Facts now name who signed: read it off the envelope each import row kept, awaiting every write.
        const imports = await tx.table<ImportRow, string>('imports').toArray();
        const facts = tx.table<FactRow, string>('facts');
        const rows = await facts.bulkGet(imports.map((r) => r.auditId));
        const updated: FactRow[] = [];
        imports.forEach((imported, i) => {
          const row = rows[i];
          const envelope = sealedEnvelopeSchema.safeParse(imported.envelope);
          if (!row || !envelope.success || typeof row.fact !== 'object' || row.fact === null) return;
          updated.push({
            ...row,
            fact: {
              ...row.fact,
              signer: keyId(envelope.data.payload.publicKey),
              sealedAt: envelope.data.payload.sealedAt,
            },
          });
        });
        await facts.bulkPut(updated);
      });
    this.version(7)
      .stores(schemaVersions[7])
      .upgrade(async (tx) => {
        // Repairs what the first v5 upgrade lost: it deleted every import row's fact and wrote the facts row
        // without awaiting it. Any import without a facts row gets one again, re-made from the sealed envelope
        // the import row kept (the facts are a pure function of it).
        const imports = await tx.table<ImportRow, string>('imports').toArray();
        const facts = tx.table<FactRow, string>('facts');
        const existing = await facts.bulkGet(imports.map((r) => r.auditId));
        const restored: FactRow[] = [];
        imports.forEach((imported, i) => {
          if (existing[i] !== undefined) return;
          const envelope = sealedEnvelopeSchema.safeParse(imported.envelope);
          if (!envelope.success) return;
          let fact: ReturnType<typeof auditFactFromEnvelope>;
          try {
            fact = auditFactFromEnvelope(envelope.data);
          } catch {
            return; // an envelope the facts cannot be made from stays an import; an upgrade must never abort
          }
          restored.push({
            auditId: imported.auditId,
            hash: imported.hash,
            rubricId: fact.rubricId,
            siteKey: fact.siteKey,
            auditedAt: fact.auditedAt,
            fact,
          });
        });
        await facts.bulkPut(restored);
      });
    this.version(8)
      .stores(schemaVersions[8])
      .upgrade(async (tx) => {
        // Units move out of each facts row, every write awaited; a row without units is left as it is.
        const facts = tx.table<FactRow, string>('facts');
        const moved: FactUnitsRow[] = [];
        const slimmed: FactRow[] = [];
        for (const row of await facts.toArray()) {
          const fact = row.fact;
          if (typeof fact !== 'object' || fact === null || !('units' in fact)) continue;
          const { units, ...summary } = fact;
          moved.push({ auditId: row.auditId, units });
          slimmed.push({ ...row, fact: summary });
        }
        await tx.table<FactUnitsRow, string>('factUnits').bulkPut(moved);
        await facts.bulkPut(slimmed);
      });
    this.version(9).stores(schemaVersions[9]);
    this.version(10)
      .stores(schemaVersions[10])
      .upgrade(async (tx) => {
        // A seal that does not parse gets no entry (it could not be sent anyway); the upgrade must never abort.
        const at = new Date().toISOString();
        const entries: OutboxRow[] = [];
        for (const row of await tx.table<SealRow, string>('seals').toArray()) {
          const envelope = sealedEnvelopeSchema.safeParse(row.envelope);
          if (envelope.success) entries.push(outboxRowOf(newOutboxEntry(envelope.data, at)));
        }
        await tx.table<OutboxRow, string>('outbox').bulkPut(entries);
      });
    this.version(11)
      .stores(schemaVersions[11])
      .upgrade(async (tx) => {
        await tx.table<SettingRow, string>('settings').delete(OLD_FACTS_SNAPSHOT_KEY);
      });
  }
}
