import { sql, type Kysely, type Transaction } from 'kysely';
import { runIntake, type IntakeReport, type ValidEntry } from '../../domain/head-office';
import { nodeVerifier } from '../../crypto/node-verifier';
import type { Database } from '../db/tables';
import type { BlobStorage } from '../store/blob-storage';
import { SqlIntakeRepository, type ReceivedEnvelope } from './sql-intake-repository';

/** Advisory lock class for intake; the key is hashtext(audit id or lineage id). */
const INTAKE_LOCK_CLASS = 4173;

/**
 * Serialises intake per audit and per lineage across every server on one PostgreSQL: two uploads of one
 * audit, or two revisions of one lineage, decide one after the other against committed state. Locks are
 * taken in ascending key order, so two transactions never wait on each other in a circle.
 */
export async function lockIntakeKeys(trx: Transaction<Database>, names: readonly string[]): Promise<void> {
  const distinct = [...new Set(names)];
  const [only] = distinct;
  // One name (an audit's first revision is its own lineage): one statement, one round trip.
  if (distinct.length === 1 && only !== undefined) {
    await sql`select pg_advisory_xact_lock(${INTAKE_LOCK_CLASS}, hashtext(${only}))`.execute(trx);
    return;
  }
  if (distinct.length === 0) return;
  const { rows } = await sql<{ key: number }>`select distinct hashtext(name) as key from unnest(${distinct}::text[]) as name`.execute(trx);
  const keys = rows.map((r) => r.key).sort((x, y) => x - y);
  // A function scan yields the array's elements in order and the lock is taken row by row as they come: the
  // ascending order above is the order the locks are taken in.
  await sql`select count(pg_advisory_xact_lock(${INTAKE_LOCK_CLASS}, key)) from unnest(${keys}::int[]) as key`.execute(trx);
}

/**
 * Runs the domain's intake for one verified envelope inside a transaction that is already open (an upload
 * opens one per envelope; a reindex one for everything).
 */
export async function takeInWithin(
  trx: Transaction<Database>,
  blobs: BlobStorage,
  entry: ValidEntry,
  received: ReceivedEnvelope,
): Promise<IntakeReport> {
  const { id, lineageId } = entry.envelope.payload.audit;
  await lockIntakeKeys(trx, [id, lineageId]);
  return decideLocked(trx, blobs, entry, received);
}

/** The decision itself; the caller holds the intake locks of the envelope's audit and lineage. */
function decideLocked(trx: Transaction<Database>, blobs: BlobStorage, entry: ValidEntry, received: ReceivedEnvelope): Promise<IntakeReport> {
  const repository = new SqlIntakeRepository(trx, blobs, {
    envelopes: new Map([[entry.envelope.hash, received]]),
    lineages: [entry.envelope.payload.audit.lineageId],
  });
  return runIntake([entry], repository, nodeVerifier, { source: received.source, now: () => received.receivedAt });
}

/**
 * Takes one verified envelope in: lookup, decision and every write in one transaction. `receive` writes its
 * receipt once the audit's and lineage's locks are held, so receipts of one audit are named in the order the
 * locks decided them, the order reindex replays: named before the lock, two seals of one audit racing could
 * be decided in one order and replayed in the other, and reindex kept the seal that had been answered 409.
 */
export function takeIn(
  db: Kysely<Database>,
  blobs: BlobStorage,
  entry: ValidEntry,
  receive: () => Promise<ReceivedEnvelope>,
): Promise<IntakeReport> {
  const { id, lineageId } = entry.envelope.payload.audit;
  return db.transaction().execute(async (trx) => {
    await lockIntakeKeys(trx, [id, lineageId]);
    return decideLocked(trx, blobs, entry, await receive());
  });
}
