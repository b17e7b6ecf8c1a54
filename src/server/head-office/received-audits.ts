import type { Kysely } from 'kysely';
import { auditFactSchema } from '../../domain/head-office';
import {
  gradeCountsOf,
  receivedAuditCursorSchema,
  type ReceivedAudit,
  type ReceivedAuditList,
  type ReceivedAuditQuery,
} from '../../domain/wire';
import type { Database } from '../db/tables';
import { withinScope, type ReadScope } from './view';

type Cursor = { readonly auditedAt: string; readonly auditId: string };

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

/** The cursor a previous page gave, or undefined when it is not one (a client's own invention). */
export function decodeCursor(text: string): Cursor | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = receivedAuditCursorSchema.safeParse(json);
  if (!parsed.success || Number.isNaN(Date.parse(parsed.data.auditedAt))) return undefined;
  return parsed.data;
}

/**
 * One page of the received audits this reader may see, newest audit time first (ties by id, so pages never
 * overlap or skip): the latest revision of each, limited in SQL to the reader's scope before the filters apply.
 */
export async function receivedAuditsOf(
  db: Kysely<Database>,
  query: Omit<ReceivedAuditQuery, 'cursor'> & { readonly cursor?: Cursor | undefined },
  scope: ReadScope,
): Promise<ReceivedAuditList> {
  let select = db
    .selectFrom('accepted_revisions as a')
    .select([
      'a.audit_id',
      'a.lineage_id',
      'a.revision',
      'a.rubric_id',
      'a.rubric_fingerprint',
      'a.site_key',
      'a.site_name',
      'a.region',
      'a.auditor',
      'a.audited_at',
      'a.received_at',
      'a.earned_h',
      'a.possible_h',
      'a.percent_tenths',
      'a.facts',
    ])
    .where(withinScope(scope))
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
  if (query.site !== undefined) select = select.where('a.site_key', '=', query.site);
  if (query.rubricId !== undefined) select = select.where('a.rubric_id', '=', query.rubricId);
  if (query.from !== undefined) select = select.where('a.audited_at', '>=', new Date(query.from));
  if (query.to !== undefined) select = select.where('a.audited_at', '<=', new Date(query.to));
  const { cursor } = query;
  if (cursor !== undefined) {
    const at = new Date(cursor.auditedAt);
    select = select.where((eb) =>
      eb.or([eb('a.audited_at', '<', at), eb.and([eb('a.audited_at', '=', at), eb('a.audit_id', '<', cursor.auditId)])]),
    );
  }
  // One more than asked for: whether there is a next page, without counting.
  const rows = await select.orderBy('a.audited_at', 'desc').orderBy('a.audit_id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const audits = page.map(
    (row): ReceivedAudit => ({
      auditId: row.audit_id,
      lineageId: row.lineage_id,
      revision: row.revision,
      rubricId: row.rubric_id,
      rubricFingerprint: row.rubric_fingerprint,
      siteKey: row.site_key,
      siteName: row.site_name,
      ...(row.region === null ? {} : { region: row.region }),
      auditor: row.auditor,
      auditedAt: row.audited_at.toISOString(),
      receivedAt: row.received_at.toISOString(),
      earnedH: row.earned_h,
      possibleH: row.possible_h,
      percentTenths: row.percent_tenths,
      grades: gradeCountsOf(auditFactSchema.parse(row.facts).units),
    }),
  );
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last !== undefined ? encodeCursor({ auditedAt: last.audited_at.toISOString(), auditId: last.audit_id }) : null;
  return { audits, nextCursor };
}
