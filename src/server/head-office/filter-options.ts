import { sql, type Kysely } from 'kysely';
import { rubricChoices } from '../../domain/head-office';
import type { FilterOptionsAnswer } from '../../domain/wire';
import type { Database } from '../db/tables';
import { auditsInView, EVERYTHING } from './view';

/** Audits per rubric, counting only each audit's latest revision (as the ranking does). */
async function rubricCounts(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('accepted_revisions as a')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('accepted_revisions as newer')
            .select('newer.audit_id')
            .whereRef('newer.lineage_id', '=', 'a.lineage_id')
            .whereRef('newer.revision', '>', 'a.revision'),
        ),
      ),
    )
    .select(['a.rubric_id', sql<number>`count(*)::integer`.as('audits')])
    .groupBy('a.rubric_id')
    .execute();
  return new Map(rows.map((r) => [r.rubric_id, r.audits]));
}

/**
 * The choices the dashboard's filters offer, over every audit here (head office only: the route is for
 * admins, so no read scope narrows it). The lists are for one rubric, as the app's are: the one asked for,
 * or the one the app would open on.
 */
export async function filterOptionsOf(db: Kysely<Database>, asked: string | undefined): Promise<FilterOptionsAnswer> {
  const counts = await rubricCounts(db);
  const choices = rubricChoices(counts);
  const rubricId = asked !== undefined && counts.has(asked) ? asked : choices.preferred;
  const rubrics = choices.ids.map((id) => ({ rubricId: id, audits: counts.get(id) ?? 0 }));
  if (rubricId === undefined) return { rubrics, rubricId: null, regions: [], sites: [], auditors: [], newest: null };
  const filter = { rubricId };
  const [regions, auditors, sites, newest] = await Promise.all([
    auditsInView(db, filter, EVERYTHING).select('a.region').distinct().where('a.region', 'is not', null).where('a.region', '!=', '').orderBy('a.region').execute(),
    auditsInView(db, filter, EVERYTHING).select('a.auditor').distinct().orderBy('a.auditor').execute(),
    auditsInView(db, filter, EVERYTHING)
      .select(['a.site_key', sql<string>`(array_agg(a.site_name order by a.audited_at desc, a.audit_id desc))[1]`.as('site_name')])
      .groupBy('a.site_key')
      .orderBy('a.site_key')
      .execute(),
    auditsInView(db, filter, EVERYTHING)
      .select(sql<string>`a.facts->>'auditedAt'`.as('audited_at_text'))
      .orderBy('a.audited_at', 'desc')
      .orderBy('a.audit_id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return {
    rubrics,
    rubricId,
    regions: regions.flatMap((r) => (r.region === null ? [] : [r.region])),
    sites: sites.map((s) => ({ siteKey: s.site_key, siteName: s.site_name })),
    auditors: auditors.map((a) => a.auditor),
    newest: newest?.audited_at_text ?? null,
  };
}
