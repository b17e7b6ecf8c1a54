import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { fail, formatPath, ok, type Result } from '../../domain/head-office';
import type { Database } from '../db/tables';
import { nextChangeSeq } from './change-seq';
import { siteCodeSchema, siteInputSchema } from '../../domain/wire';

export { siteCodeSchema, siteInputSchema, type SiteInput } from '../../domain/wire';

export interface Site {
  readonly code: string;
  /** The key the audits of this site are compared under (as siteKeyOf on the tablet). */
  readonly siteKey: string;
  readonly name: string;
  readonly region: string;
  readonly manager: string | null;
  readonly active: boolean;
  readonly updatedAt: string;
  readonly changeSeq: number;
}

type SiteRow = {
  code: string;
  name: string;
  region: string;
  manager: string | null;
  active: boolean;
  updated_at: Date;
  change_seq: number;
};

export const siteOf = (row: SiteRow): Site => ({
  code: row.code,
  siteKey: `code:${row.code}`,
  name: row.name,
  region: row.region,
  manager: row.manager,
  active: row.active,
  updatedAt: row.updated_at.toISOString(),
  changeSeq: row.change_seq,
});

const columns = ['code', 'name', 'region', 'manager', 'active', 'updated_at', 'change_seq'] as const;

export async function writeSite(trx: Transaction<Database>, code: string, site: z.output<typeof siteInputSchema>, at: string): Promise<Site> {
  const current = await trx.selectFrom('sites').select(columns).where('code', '=', code).executeTakeFirst();
  if (
    current &&
    current.name === site.name &&
    current.region === site.region &&
    current.manager === site.manager &&
    current.active === site.active
  )
    return siteOf(current);
  const changeSeq = await nextChangeSeq(trx);
  const values = { name: site.name, region: site.region, manager: site.manager, active: site.active, updated_at: at, change_seq: changeSeq };
  const row = await trx
    .insertInto('sites')
    .values({ code, ...values })
    .onConflict((oc) => oc.column('code').doUpdateSet(values))
    .returning(columns)
    .executeTakeFirstOrThrow();
  return siteOf(row);
}

/**
 * Creates or changes one site. Setting what is already there writes nothing (no new feed position, so
 * tablets are not sent it again).
 */
export async function setSite(db: Kysely<Database>, codeInput: string, input: unknown, at: string): Promise<Result<Site>> {
  const code = siteCodeSchema.safeParse(codeInput);
  if (!code.success) return fail(code.error.issues.map((i) => ({ path: 'code', message: i.message })));
  const site = siteInputSchema.safeParse(input);
  if (!site.success) return fail(site.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return ok(await db.transaction().execute((trx) => writeSite(trx, code.data, site.data, at)));
}

/** Sites by code; with `since`, only those changed after that feed position (retired ones included). */
export async function listSites(db: Kysely<Database>, since = 0): Promise<Site[]> {
  const rows = await db.selectFrom('sites').select(columns).where('change_seq', '>', since).orderBy('code').execute();
  return rows.map(siteOf);
}
