import {
  auditFactFromEnvelope,
  keyId,
  sealedEnvelopeSchema,
  summaryOf,
  writeBundleV2,
  type AuditFact,
  type FactSummary,
  type Rubric,
  type SealedEnvelope,
} from '../domain/head-office';
import type { AuditStore } from './audit-store';
import type { DuchaDb, SealRow } from './db';
import { StorageError, toStorageError } from './storage-error';
import { z } from 'zod';

/** The facts of one of this device's own sealed audits, made from its seal. */
function factOf(row: SealRow): AuditFact {
  const envelope = sealedEnvelopeSchema.safeParse(row.envelope);
  if (!envelope.success) throw new StorageError('corrupt', `stored seal of ${row.auditId} does not match the schema`);
  return auditFactFromEnvelope(envelope.data);
}

const publicKeySchema = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() });

/**
 * This device's own sealed audits, as the dashboard compares them when it does not read the server (never
 * linked, signed in without head office's role, or offline), and as 导出 writes them into a bundle. Audits of
 * other devices are never here: head office is the server.
 */
export class OwnAudits {
  constructor(
    private readonly db: DuchaDb,
    private readonly audits: AuditStore,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /** Every sealed audit of this device, without per-unit detail. */
  async dashboardFacts(): Promise<FactSummary[]> {
    const seals = await this.run(() => this.db.seals.toArray());
    return seals.map((row) => summaryOf(factOf(row)));
  }

  /** The same audits with their grades and notes, for a drill-down or the units CSV. */
  async withUnits(facts: readonly FactSummary[]): Promise<AuditFact[]> {
    const seals = await this.run(() => this.db.seals.bulkGet(facts.map((f) => f.auditId)));
    return seals.flatMap((row) => (row ? [factOf(row)] : []));
  }

  /** The exact rubric each audit was scored against, by fingerprint, read from its seal. */
  async rubricsFor(audits: readonly { auditId: string; rubricFingerprint: string }[]): Promise<ReadonlyMap<string, Rubric>> {
    const found = new Map<string, Rubric>();
    const wanted = audits.filter((a, i) => audits.findIndex((b) => b.rubricFingerprint === a.rubricFingerprint) === i);
    const rows = await this.run(() => this.db.seals.bulkGet(wanted.map((a) => a.auditId)));
    for (const row of rows) {
      const envelope = sealedEnvelopeSchema.safeParse(row?.envelope);
      if (envelope.success) found.set(envelope.data.payload.audit.rubricFingerprint, envelope.data.payload.rubric);
    }
    return found;
  }

  /** This device's key id, if it has made one: its seals are labelled 本机. */
  async ownKeyId(): Promise<string | undefined> {
    const device = await this.run(() => this.db.deviceKeys.get('device'));
    const key = publicKeySchema.safeParse(device?.publicKey);
    return key.success ? keyId(key.data) : undefined;
  }

  /** Bundle format 2 (zip) of the given finalised audits with their images: what 导出 downloads. */
  async exportBundleFile(auditIds: readonly string[]): Promise<{ bytes: Uint8Array; count: number }> {
    const entries: { envelope: SealedEnvelope; images: ReadonlyMap<string, Uint8Array> }[] = [];
    for (const id of auditIds) {
      const data = await this.audits.getSheetData(id);
      if (!data.seal) throw new StorageError('invalid', `audit ${id} is not finalised and sealed`);
      entries.push({ envelope: data.seal, images: data.images });
    }
    // Marked exported by the caller once the file is handed over, not here.
    return { bytes: writeBundleV2(entries, this.now()), count: entries.length };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStorageError(error);
    }
  }
}
