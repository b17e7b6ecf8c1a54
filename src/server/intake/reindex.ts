import { sql } from 'kysely';
import type { ServerServices } from '../services';
import { judgeEnvelope } from './judge-envelope';
import { takeInWithin } from './take-in';

export interface ReindexReport {
  readonly receipts: number;
  readonly accepted: number;
  readonly held: number;
  readonly conflicts: number;
  /** Receipts whose envelope no longer passes (e.g. sealed by a key revoked since). */
  readonly refused: number;
  /** Receipts naming an envelope or image that is not in the blob store, or a receipt that does not read. */
  readonly damaged: readonly string[];
  /**
   * Receipts whose envelope no longer passes or that the database would not take (e.g. text it cannot hold,
   * acknowledged by an older version): which, and why. Each is skipped; the rest of the rebuild goes on.
   */
  readonly skipped: readonly string[];
}

const describeJudgement = (judgement: Exclude<Awaited<ReturnType<typeof judgeEnvelope>>, { kind: 'valid' | 'missing-images' }>): string => {
  switch (judgement.kind) {
    case 'not-json':
      return `not JSON: ${judgement.message}`;
    case 'malformed':
      return `malformed: ${judgement.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    case 'tampered':
      return `tampered: ${judgement.findings.map((f) => f.message).join('; ')}`;
  }
};

/**
 * Rebuilds what was received (accepted revisions, held entries, conflicts, the images each envelope names)
 * from the blob store alone: every receipt in arrival order, judged and taken in again by the same code as an
 * upload, in one transaction, so a reindex that fails leaves the database as it was. The key register,
 * accepted rubrics and who uploaded which image are not received data (no receipt records them): they are
 * kept, and the first two decide the rebuilt state as they would decide a new upload. A receipt that cannot
 * be taken in is skipped and reported, never a reason to abort the recovery of all the others.
 */
export async function reindex(services: ServerServices): Promise<ReindexReport> {
  const { receipts, unreadable } = await services.receipts.list();
  const damaged = [...unreadable];
  const skipped: string[] = [];
  let refused = 0;
  await services.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('conflicts').execute();
    await trx.deleteFrom('held_entries').execute();
    await trx.deleteFrom('accepted_revisions').execute();
    // Listed again by intake for each envelope it accepts or holds, so nothing stale outlives the rebuild.
    await trx.deleteFrom('envelope_images').execute();
    for (const receipt of receipts) {
      const bytes = await services.blobs.read(receipt.envelopeSha256);
      if (!bytes) {
        damaged.push(`envelope ${receipt.envelopeSha256} (received ${receipt.receivedAt}) is missing`);
        continue;
      }
      const judgement = await judgeEnvelope(bytes, services.blobs);
      if (judgement.kind === 'missing-images') {
        damaged.push(`envelope ${receipt.envelopeSha256}: ${judgement.missing.map((m) => `${m.kind} ${m.id}`).join(', ')} missing`);
        continue;
      }
      const which = `envelope ${receipt.envelopeSha256} (received ${receipt.receivedAt})`;
      if (judgement.kind !== 'valid') {
        refused++;
        skipped.push(`${which}: ${describeJudgement(judgement)}`);
        continue;
      }
      // A savepoint per receipt: one the database refuses is undone alone, instead of aborting the whole
      // transaction (PostgreSQL refuses every later statement of a transaction that had an error).
      await sql`savepoint reindex_receipt`.execute(trx);
      try {
        const report = await takeInWithin(trx, services.blobs, judgement.entry, receipt);
        refused += report.refused.length;
        await sql`release savepoint reindex_receipt`.execute(trx);
      } catch (error) {
        await sql`rollback to savepoint reindex_receipt`.execute(trx);
        refused++;
        skipped.push(`${which}: the database refused it (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  });
  const count = async (table: 'accepted_revisions' | 'held_entries' | 'conflicts') =>
    (await services.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  return {
    receipts: receipts.length,
    accepted: await count('accepted_revisions'),
    held: await count('held_entries'),
    conflicts: await count('conflicts'),
    refused,
    damaged,
    skipped,
  };
}
