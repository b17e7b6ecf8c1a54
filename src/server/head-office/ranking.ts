import { sql, type Kysely } from 'kysely';
import { orderRanking, previousPeriod, type SiteRanking } from '../../domain/head-office';
import type { Database } from '../db/tables';
import { auditsInView, type HeadOfficeFilter, type ReadScope } from './view';

/** Half up, as the domain's averagePercentTenths: floor((2·sum + n) / 2n) on non-negative integers. */
const average = sql<number | null>`case when count(a.percent_tenths) = 0 then null
  else ((2 * sum(a.percent_tenths) + count(a.percent_tenths)) / (2 * count(a.percent_tenths)))::integer end`;

async function siteAverages(
  db: Kysely<Database>,
  filter: HeadOfficeFilter,
  scope: ReadScope,
  bounds: { from?: string | undefined; to?: string | undefined },
) {
  return auditsInView(db, filter, scope, bounds)
    .select([
      'a.site_key',
      sql<number>`count(*)::integer`.as('count'),
      average.as('average'),
      // The latest audit by instant; equal instants are told apart by id so the answer never varies.
      sql<string>`(array_agg(a.audit_id order by a.audited_at desc, a.audit_id desc))[1]`.as('latest_id'),
    ])
    .groupBy('a.site_key')
    .execute();
}

/**
 * The dashboard's ranking over every audit here: each site summed in SQL (one pass over the rubric's
 * audits in the period, by the (rubric_id, audited_at) index), then ordered and 末位 marked by the
 * domain's orderRanking, so the server ranks exactly as the app does. The change is against the same
 * span just before, when the period has both ends (as in the app).
 */
export async function rankingOf(
  db: Kysely<Database>,
  filter: HeadOfficeFilter,
  scope: ReadScope,
  bottomN: number,
): Promise<SiteRanking[]> {
  const before = filter.from !== undefined && filter.to !== undefined ? previousPeriod(filter.from, filter.to) : undefined;
  const [current, previous] = await Promise.all([
    siteAverages(db, filter, scope, filter),
    before ? siteAverages(db, filter, scope, before) : Promise.resolve([]),
  ]);
  const ids = current.map((r) => r.latest_id);
  const latest =
    ids.length === 0
      ? []
      : await db
          .selectFrom('accepted_revisions')
          .select([
            'audit_id',
            'site_name',
            'region',
            'percent_tenths',
            // The time as the tablet wrote it (its offset kept), as the app shows it.
            sql<string>`facts->>'auditedAt'`.as('audited_at_text'),
          ])
          .where('audit_id', 'in', ids)
          .execute();
  const latestById = new Map(latest.map((r) => [r.audit_id, r]));
  const previousBySite = new Map(previous.map((r) => [r.site_key, r.average]));
  return orderRanking(
    current.map((row) => {
      const last = latestById.get(row.latest_id);
      const previousAverage = previousBySite.get(row.site_key) ?? null;
      return {
        siteKey: row.site_key,
        siteName: last?.site_name ?? row.site_key,
        region: last?.region ?? undefined,
        count: row.count,
        latestPercentTenths: last?.percent_tenths ?? null,
        latestAuditedAt: last?.audited_at_text ?? '',
        averagePercentTenths: row.average,
        previousAveragePercentTenths: previousAverage,
        changeTenths: row.average !== null && previousAverage !== null ? row.average - previousAverage : null,
      };
    }),
    bottomN,
  );
}
