import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { publishedRubrics, type PublishedRubric } from './published-rubrics';
import { decidedProposals, type SiteProposal } from './site-proposals';
import { listSites, type Site } from './sites-store';

export interface DownSync {
  /** Send this back as `since` next time. */
  readonly cursor: number;
  readonly rubrics: readonly (PublishedRubric & { readonly rubric: unknown })[];
  readonly sites: readonly Site[];
  readonly proposals: readonly SiteProposal[];
}

/**
 * The newest feed position that is committed and visible. Read from the tables, not the sequence: the
 * sequence also counts numbers handed to transactions not yet committed (or rolled back).
 */
export async function feedPosition(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ position: number }>`select greatest(
      (select coalesce(max(change_seq), 0) from published_rubrics),
      (select coalesce(max(change_seq), 0) from sites),
      (select coalesce(max(change_seq), 0) from site_proposals)
    )::integer as position`.execute(db);
  return rows[0]?.position ?? 0;
}

/**
 * Everything a tablet syncs down after `since`: newly published rubric versions (with their documents),
 * sites created or changed (retired ones as active false), and decisions on site proposals. The position
 * is read first, so a change committed while this runs is sent (again) next time, never skipped.
 */
export async function downSync(db: Kysely<Database>, since: number, proposer: string | undefined): Promise<DownSync> {
  const cursor = await feedPosition(db);
  if (cursor <= since) return { cursor: Math.max(cursor, since), rubrics: [], sites: [], proposals: [] };
  const [rubrics, sites, proposals] = await Promise.all([
    publishedRubrics(db, since),
    listSites(db, since),
    decidedProposals(db, since, proposer),
  ]);
  const documents = new Map(
    (
      await db
        .selectFrom('published_rubrics')
        .select(['fingerprint', 'rubric'])
        .where('change_seq', '>', since)
        .execute()
    ).map((r) => [r.fingerprint, r.rubric]),
  );
  const upTo = <T extends { changeSeq: number }>(rows: readonly T[]) => rows.filter((r) => r.changeSeq <= cursor);
  return {
    cursor,
    rubrics: upTo(rubrics).map((r) => ({ ...r, rubric: documents.get(r.fingerprint) })),
    sites: upTo(sites),
    proposals: upTo(proposals),
  };
}
