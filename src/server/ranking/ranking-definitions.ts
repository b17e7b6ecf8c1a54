import { readFileSync } from 'node:fs';
import type { Kysely, Transaction } from 'kysely';
import { canonicalHash, ok, parseRankingDefinition, type RankingDefinition, type Result } from '../../domain/head-office';
import type { Database } from '../db/tables';

export interface RankingDefinitionInfo {
  readonly fingerprint: string;
  readonly definitionId: string;
  readonly version: number;
  readonly title: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
}

/** Who published the definition that ships with Ducha (rankings/monthly.json), at the migration that made the table. */
export const SHIPPED_BY = 'ducha (shipped)';
export const MONTHLY_DEFINITION_ID = 'monthly';

/** Identifies a definition's exact content, as a rubric's fingerprint does. */
export const definitionFingerprint = (definition: RankingDefinition): string => `sha256:${canonicalHash(definition)}`;

const columns = ['fingerprint', 'definition_id', 'format_version', 'title', 'published_at', 'published_by'] as const;
type Row = { fingerprint: string; definition_id: string; format_version: number; title: string; published_at: Date; published_by: string };
const infoOf = (row: Row): RankingDefinitionInfo => ({
  fingerprint: row.fingerprint,
  definitionId: row.definition_id,
  version: row.format_version,
  title: row.title,
  publishedAt: row.published_at.toISOString(),
  publishedBy: row.published_by,
});

/**
 * Publishes a ranking definition version: checked with the parser `ducha validate` and the app use, kept whole
 * beside the earlier ones (a month already reported can be recomputed on what it was ranked by). The same content
 * again changes nothing.
 */
export async function publishRankingDefinition(
  db: Kysely<Database> | Transaction<Database>,
  input: unknown,
  by: string,
  at: string,
): Promise<Result<{ status: 'published' | 'unchanged'; definition: RankingDefinitionInfo }>> {
  const parsed = parseRankingDefinition(input);
  if (!parsed.ok) return parsed;
  const definition = parsed.value;
  const fingerprint = definitionFingerprint(definition);
  const existing = await db.selectFrom('ranking_definitions').select(columns).where('fingerprint', '=', fingerprint).executeTakeFirst();
  if (existing) return ok({ status: 'unchanged', definition: infoOf(existing) });
  const row = await db
    .insertInto('ranking_definitions')
    .values({
      fingerprint,
      definition_id: definition.id,
      format_version: definition.version,
      title: definition.title,
      definition: JSON.stringify(definition),
      published_at: at,
      published_by: by,
    })
    .onConflict((oc) => oc.column('fingerprint').doNothing())
    .returning(columns)
    .executeTakeFirst();
  if (!row) {
    // Published by a concurrent request between the look and the insert: the same content, so the same answer.
    const again = await db.selectFrom('ranking_definitions').select(columns).where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow();
    return ok({ status: 'unchanged', definition: infoOf(again) });
  }
  return ok({ status: 'published', definition: infoOf(row) });
}

/** The definition shipped in rankings/monthly.json; a broken shipped file is a programming error. */
export function shippedMonthlyDefinition(): RankingDefinition {
  const parsed = parseRankingDefinition(JSON.parse(readFileSync(new URL('../../../rankings/monthly.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error(`rankings/monthly.json is not a valid ranking definition: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

/** Run by schema step 5: the shipped definition is on the server from the start. */
export async function publishShippedRankingDefinition(trx: Transaction<Database>): Promise<void> {
  const published = await publishRankingDefinition(trx, shippedMonthlyDefinition(), SHIPPED_BY, new Date().toISOString());
  if (!published.ok) throw new Error('the shipped ranking definition did not publish');
}

/** Every published version, oldest first. */
export async function rankingDefinitions(db: Kysely<Database>): Promise<RankingDefinitionInfo[]> {
  const rows = await db.selectFrom('ranking_definitions').select(columns).orderBy('published_at').orderBy('fingerprint').execute();
  return rows.map(infoOf);
}

/** The newest published version of a definition, parsed again (the stored JSON is outside data once read back). */
export async function currentDefinition(
  db: Kysely<Database>,
  id = MONTHLY_DEFINITION_ID,
): Promise<{ info: RankingDefinitionInfo; definition: RankingDefinition } | undefined> {
  const row = await db
    .selectFrom('ranking_definitions')
    .select([...columns, 'definition'])
    .where('definition_id', '=', id)
    .orderBy('published_at', 'desc')
    .orderBy('fingerprint', 'desc')
    .executeTakeFirst();
  if (!row) return undefined;
  const parsed = parseRankingDefinition(row.definition);
  if (!parsed.ok) throw new Error(`ranking definition ${row.fingerprint} stored here does not parse`);
  return { info: infoOf(row), definition: parsed.value };
}
