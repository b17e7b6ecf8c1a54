import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables';

/** Advisory lock (class, id) that every down-sync write holds while it takes its number. */
const DOWNSYNC_LOCK = [4173, 2] as const;

/**
 * The next position in the down-sync feed. The lock is held until the transaction ends, so positions
 * become visible in the order they were handed out: a tablet that has read up to n is never later shown
 * a change numbered below n (which it would skip for ever).
 */
export async function nextChangeSeq(trx: Transaction<Database>): Promise<number> {
  await sql`select pg_advisory_xact_lock(${DOWNSYNC_LOCK[0]}, ${DOWNSYNC_LOCK[1]})`.execute(trx);
  const { rows } = await sql<{ seq: number }>`select nextval('downsync_seq')::integer as seq`.execute(trx);
  const [row] = rows;
  if (!row) throw new Error('downsync_seq gave no value');
  return row.seq;
}
