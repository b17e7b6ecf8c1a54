import { sql, type Kysely } from 'kysely';
import {
  auditFactSchema,
  kpiFiguresFact,
  rankMonth,
  type MonthRanking,
  type RankingDefinition,
  type RankingFact,
} from '../../domain/head-office';
import type { Database } from '../db/tables';
import type { ReadScope } from '../head-office/view';

import { kpiRubrics } from './kpi-figures-store';
import { currentDefinition, type RankingDefinitionInfo } from './ranking-definitions';

const offsetMinutes = (offset: string): number => {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours = '0', minutes = '0'] = offset.slice(1).split(':');
  return sign * (Number(hours) * 60 + Number(minutes));
};

/** The month's first and next month's first instant at the definition's offset. */
function monthBounds(month: string, utcOffset: string): { from: Date; to: Date } {
  const [year = 0, mm = 1] = month.split('-').map(Number);
  const shift = offsetMinutes(utcOffset) * 60_000;
  return { from: new Date(Date.UTC(year, mm - 1, 1) - shift), to: new Date(Date.UTC(year, mm, 1) - shift) };
}

/** Latest revisions only: a corrected audit replaces its earlier revisions. */
const latestOnly = sql<boolean>`not exists (select 1 from accepted_revisions newer where newer.lineage_id = a.lineage_id and newer.revision > a.revision)`;

/** Every audit of the definition's rubrics in the month (latest revisions), as the ranking reads them. */
async function auditFacts(db: Kysely<Database>, definition: RankingDefinition, month: string): Promise<RankingFact[]> {
  const { from, to } = monthBounds(month, definition.utcOffset);
  const kpi = new Set(definition.components.filter((c) => c.kind === 'kpi').map((c) => c.rubricId));
  const rows = await db
    .selectFrom('accepted_revisions as a')
    .select(['a.audit_id', 'a.lineage_id', 'a.revision', 'a.rubric_id', 'a.site_key', 'a.site_name', 'a.audited_at', 'a.earned_h', 'a.possible_h', 'a.facts'])
    .where('a.rubric_id', 'in', definition.components.map((c) => c.rubricId))
    .where('a.audited_at', '>=', from)
    .where('a.audited_at', '<', to)
    .where(latestOnly)
    .execute();
  return rows.map((row): RankingFact => {
    const fact: RankingFact = {
      auditId: row.audit_id,
      lineageId: row.lineage_id,
      revision: row.revision,
      rubricId: row.rubric_id,
      siteKey: row.site_key,
      siteName: row.site_name,
      auditedAt: row.audited_at.toISOString(),
      earnedH: row.earned_h,
      possibleH: row.possible_h,
    };
    if (!kpi.has(row.rubric_id)) return fact;
    // A sealed KPI audit's units: its indicators below target are those that lost points.
    const parsed = auditFactSchema.safeParse(row.facts);
    return parsed.success ? { ...fact, units: parsed.data.units.map((u) => ({ id: u.id, earnedH: u.earnedH, possibleH: u.possibleH })) } : fact;
  });
}

/** The newest version of every KPI figure of the month, one fact per site and rubric. */
async function figureFacts(db: Kysely<Database>, definition: RankingDefinition, month: string): Promise<RankingFact[]> {
  const ids = definition.components.filter((c) => c.kind === 'kpi').map((c) => c.rubricId);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('kpi_figures as f')
    .select(['f.site_key', 'f.site_name', 'f.rubric_id', 'f.unit_id', 'f.figure_h'])
    .where('f.month', '=', month)
    .where('f.rubric_id', 'in', ids)
    .where(sql<boolean>`not exists (select 1 from kpi_figures newer where newer.month = f.month and newer.site_key = f.site_key and newer.rubric_id = f.rubric_id and newer.unit_id = f.unit_id and newer.version > f.version)`)
    .execute();
  const rubrics = await kpiRubrics(db);
  const groups = new Map<string, { siteKey: string; siteName: string; rubricId: string; figuresH: Record<string, number> }>();
  for (const row of rows) {
    const key = JSON.stringify([row.site_key, row.rubric_id]);
    const group = groups.get(key) ?? { siteKey: row.site_key, siteName: row.site_name, rubricId: row.rubric_id, figuresH: {} };
    group.figuresH[row.unit_id] = row.figure_h;
    groups.set(key, group);
  }
  return [...groups.values()].flatMap((g) => {
    const rubric = rubrics.get(g.rubricId);
    return rubric ? [kpiFiguresFact(rubric, { id: `kpi-figures:${JSON.stringify([month, g.siteKey, g.rubricId])}`, month, ...g })] : [];
  });
}

/** Months with audits of the definition's rubrics or KPI figures, newest first. */
async function monthsWithData(db: Kysely<Database>, definition: RankingDefinition): Promise<string[]> {
  const minutes = offsetMinutes(definition.utcOffset);
  const audited = await db
    .selectFrom('accepted_revisions as a')
    .select(sql<string>`to_char((a.audited_at at time zone 'UTC') + make_interval(mins => ${minutes}), 'YYYY-MM')`.as('month'))
    .distinct()
    .where('a.rubric_id', 'in', definition.components.map((c) => c.rubricId))
    .execute();
  const figures = await db.selectFrom('kpi_figures').select('month').distinct().execute();
  return [...new Set([...audited.map((r) => r.month), ...figures.map((r) => r.month)])].sort().reverse();
}

export interface MonthlyRankingAnswer {
  readonly definition: { readonly fingerprint: string; readonly rule: string; readonly publishedAt: string };
  readonly months: readonly string[];
  readonly isWhole: boolean;
  readonly ranking: MonthRanking;
}

/**
 * The 综合排名 of a month over every audit and KPI figure on the server, by the domain's rankMonth (the same
 * function the CLI calls). It is always computed over every site — a position means nothing otherwise — and only
 * then cut to what the reader may see: a site manager gets their own sites' rows, with their places.
 */
export async function monthlyRankingOf(
  db: Kysely<Database>,
  month: string,
  scope: ReadScope,
): Promise<{ info: RankingDefinitionInfo; definition: RankingDefinition; answer: MonthlyRankingAnswer } | undefined> {
  const current = await currentDefinition(db);
  if (!current) return undefined;
  const { definition, info } = current;
  const [audits, figures, months] = await Promise.all([auditFacts(db, definition, month), figureFacts(db, definition, month), monthsWithData(db, definition)]);
  const whole = rankMonth(definition, [...audits, ...figures], month);
  const visible = (siteKey: string): boolean => scope.kind === 'all' || (scope.kind === 'sites' && scope.siteKeys.includes(siteKey));
  const ranking: MonthRanking =
    scope.kind === 'all'
      ? whole
      : {
          ...whole,
          rows: whole.rows.filter((r) => visible(r.siteKey)),
          unranked: whole.unranked.filter((s) => visible(s.siteKey)),
          summoned: whole.summoned.filter(visible),
        };
  return {
    info,
    definition,
    answer: { definition: { fingerprint: info.fingerprint, rule: definition.bottom.rule, publishedAt: info.publishedAt }, months, isWhole: scope.kind === 'all', ranking },
  };
}

