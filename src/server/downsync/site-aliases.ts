import { sql, type Kysely, type Transaction } from 'kysely';
import { siteKeyOf } from '../../domain/index';
import type { Database } from '../db/tables';

/**
 * A site an auditor added offline is sealed into their audits under the key the tablet made for it
 * (`name:翠苑`, or `code:…` if they typed a code). Once an admin accepts the proposal (a new site code) or merges
 * it into a site already here, those audits belong to that site: head office must rank them under one key,
 * and the site's manager must see them. The sealed envelopes never change; the derived rows are re-keyed.
 */
export const proposedSiteKey = (proposal: { readonly name: string; readonly code: string | null }): string =>
  siteKeyOf({ name: proposal.name, ...(proposal.code ? { code: proposal.code } : {}) });

/** The site key each of these keys now stands for, where a decided proposal says so (others are absent). */
export async function siteKeyAliases(db: Kysely<Database> | Transaction<Database>, keys: readonly string[]): Promise<Map<string, string>> {
  const names = keys.filter((k) => k.startsWith('name:')).map((k) => k.slice('name:'.length));
  const codes = keys.filter((k) => k.startsWith('code:')).map((k) => k.slice('code:'.length));
  const aliases = new Map<string, string>();
  if (names.length === 0 && codes.length === 0) return aliases;
  const decided = await db
    .selectFrom('site_proposals')
    .select(['name', 'code', 'site_code'])
    .where('status', '<>', 'pending')
    .where((eb) =>
      eb.or([
        ...(names.length > 0 ? [eb('name', 'in', names)] : []),
        ...(codes.length > 0 ? [eb('code', 'in', codes)] : []),
      ]),
    )
    .orderBy('decided_at')
    .execute();
  const wanted = new Set(keys);
  for (const row of decided) {
    const from = proposedSiteKey(row);
    if (row.site_code !== null && wanted.has(from) && from !== `code:${row.site_code}`) aliases.set(from, `code:${row.site_code}`);
  }
  return aliases;
}

/** Re-keys the audits already received under a proposal's key (within the decision's transaction). */
export async function rekeyProposedSite(trx: Transaction<Database>, from: string, to: string): Promise<number> {
  if (from === to) return 0;
  const result = await trx
    .updateTable('accepted_revisions')
    .set({ site_key: to, facts: sql`jsonb_set(facts, '{siteKey}', to_jsonb(${to}::text))` })
    .where('site_key', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
