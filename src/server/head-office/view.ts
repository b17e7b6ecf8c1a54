import { sql, type Kysely } from 'kysely';
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
  if (scope.kind === 'sites') {
    // No sites: nothing, rather than an empty IN list (which is not SQL).
    query = scope.siteKeys.length === 0 ? query.where(sql<boolean>`false`) : query.where('a.site_key', 'in', [...scope.siteKeys]);
  }
  if (scope.kind === 'own-keys') {
    const { userId } = scope;
    query = query.where('a.signer', 'in', (qb) => qb.selectFrom('device_keys').select('device_keys.key_id').where('device_keys.user_id', '=', userId));
  }
  return query;
}
