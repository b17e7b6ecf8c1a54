import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/tables';
import type { HeadOfficeFilter } from '../../domain/wire';

export { headOfficeFilterSchema, type HeadOfficeFilter } from '../../domain/wire';

/**
 * Whose audits a reader may see, applied in SQL so no route can forget it: head office all of them, a
 * 管理处负责人 the sites they manage, an auditor what their own enrolled keys sealed.
 */
export type ReadScope =
  | { readonly kind: 'all' }
  /** A 管理处负责人: the site keys their account is given (user_sites). */
  | { readonly kind: 'sites'; readonly siteKeys: readonly string[] }
  /** An auditor: audits sealed by keys enrolled to their account. */
  | { readonly kind: 'own-keys'; readonly userId: number };

export const EVERYTHING: ReadScope = { kind: 'all' };

/**
 * The latest revision of every audit the reader may see, of one rubric, inside the filter. Only the
 * latest revision counts (a corrected audit replaces its earlier revisions) and, as in the app, that is
 * decided before filtering. Times compare as instants (timestamptz), whatever offset the tablet wrote.
 */
export function auditsInView(
  db: Kysely<Database>,
  filter: HeadOfficeFilter,
  scope: ReadScope,
  bounds: { readonly from?: string | undefined; readonly to?: string | undefined } = filter,
) {
  let query = db
    .selectFrom('accepted_revisions as a')
    .where('a.rubric_id', '=', filter.rubricId)
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
    );
  if (bounds.from !== undefined) query = query.where('a.audited_at', '>=', new Date(bounds.from));
  if (bounds.to !== undefined) query = query.where('a.audited_at', '<=', new Date(bounds.to));
  if (filter.region !== undefined) query = query.where('a.region', '=', filter.region);
  if (filter.siteKey !== undefined) query = query.where('a.site_key', '=', filter.siteKey);
  if (filter.auditor !== undefined) query = query.where('a.auditor', '=', filter.auditor);
  if (scope.kind !== 'all') query = query.where(withinScope(scope));
  return query;
}

/**
 * The reader's scope as a condition on `accepted_revisions as a`, for every query over received audits (the
 * head-office views and the list of received audits), so the rule is written once.
 */
export function withinScope(scope: ReadScope): RawBuilder<boolean> {
  switch (scope.kind) {
    case 'all':
      return sql<boolean>`true`;
    case 'sites':
      // No sites: nothing, rather than an empty IN list (which is not SQL).
      return scope.siteKeys.length === 0
        ? sql<boolean>`false`
        : sql<boolean>`${sql.ref('a.site_key')} in (${sql.join([...scope.siteKeys])})`;
    case 'own-keys':
      return sql<boolean>`${sql.ref('a.signer')} in (select ${sql.ref('device_keys.key_id')} from ${sql.table('device_keys')} where ${sql.ref('device_keys.user_id')} = ${scope.userId})`;
  }
}
