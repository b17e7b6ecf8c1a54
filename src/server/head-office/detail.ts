import { sql, type Kysely } from 'kysely';
import {
  auditFactSchema,
  divideHalfUp,
  drillDown,
  heatKey,
  type AuditFact,
} from '../../domain/head-office';
import type { Database } from '../db/tables';
import { auditsInView, type HeadOfficeFilter, type ReadScope } from './view';

export interface TrendPoint {
  readonly auditId: string;
  readonly auditedAt: string;
  readonly percentTenths: number | null;
}

/** One site's audits in view, oldest first (the domain's siteTrend). */
export async function trendOf(db: Kysely<Database>, filter: HeadOfficeFilter, scope: ReadScope, siteKey: string): Promise<TrendPoint[]> {
  const rows = await auditsInView(db, filter, scope)
    .where('a.site_key', '=', siteKey)
    .select(['a.audit_id', 'a.percent_tenths', sql<string>`a.facts->>'auditedAt'`.as('audited_at_text')])
    .orderBy('a.audited_at')
    .orderBy('a.audit_id')
    .execute();
  return rows.map((r) => ({ auditId: r.audit_id, auditedAt: r.audited_at_text, percentTenths: r.percent_tenths }));
}

export interface HeatCell {
  readonly siteKey: string;
  readonly itemId: string;
  readonly lostTenths: number | null;
  readonly lostH: number;
  readonly possibleH: number;
  readonly audits: number;
}

export interface HeatMapAnswer {
  readonly items: readonly { id: string; label: string; title: string }[];
  readonly sites: readonly { siteKey: string; siteName: string }[];
  readonly cells: readonly HeatCell[];
  readonly rubricVersions: number;
  readonly droppedItemIds: readonly string[];
}

const itemsSchema = auditFactSchema.shape.items;

/**
 * The domain's heatMap over every audit in view: points lost summed per site × item in SQL; which items
 * are compared (those every rubric version in view has) decided as the domain does, from one audit of
 * each version (the oldest, so the columns keep the order they were first audited in).
 */
export async function heatMapOf(db: Kysely<Database>, filter: HeadOfficeFilter, scope: ReadScope): Promise<HeatMapAnswer> {
  const versions = await db
    .with('v', () => auditsInView(db, filter, scope).select(['a.rubric_fingerprint', 'a.audited_at', 'a.audit_id', 'a.facts']))
    .selectFrom('v')
    .distinctOn('v.rubric_fingerprint')
    .select(['v.rubric_fingerprint', 'v.audited_at', sql`v.facts->'items'`.as('items')])
    .orderBy('v.rubric_fingerprint')
    .orderBy('v.audited_at')
    .orderBy('v.audit_id')
    .execute();
  const byAge = [...versions].sort((x, y) => x.audited_at.getTime() - y.audited_at.getTime());
  const itemLists = byAge.map((v) => itemsSchema.parse(v.items));
  const itemSets = itemLists.map((items) => new Set(items.map((i) => i.id)));
  const shared = (itemLists[0] ?? []).filter((i) => itemSets.every((set) => set.has(i.id)));
  const sharedIds = new Set(shared.map((i) => i.id));
  const allIds = [...new Set(itemLists.flatMap((items) => items.map((i) => i.id)))];

  const sums = await db
    .with('v', () => auditsInView(db, filter, scope).select(['a.site_key', 'a.facts']))
    .selectFrom(sql<{ site_key: string; item: unknown }>`(select v.site_key, jsonb_array_elements(v.facts->'items') as item from v)`.as('i'))
    .select([
      'i.site_key',
      sql<string>`i.item->>'id'`.as('item_id'),
      sql<number>`sum((i.item->>'possibleH')::integer - (i.item->>'earnedH')::integer)::integer`.as('lost_h'),
      sql<number>`sum((i.item->>'possibleH')::integer)::integer`.as('possible_h'),
      sql<number>`count(*)::integer`.as('audits'),
    ])
    .groupBy(['i.site_key', sql`i.item->>'id'`])
    .execute();
  const names = await auditsInView(db, filter, scope)
    .select(['a.site_key', sql<string>`(array_agg(a.site_name order by a.audited_at desc, a.audit_id desc))[1]`.as('site_name')])
    .groupBy('a.site_key')
    .orderBy('a.site_key')
    .execute();
  return {
    items: shared.map((i) => ({ id: i.id, label: i.label ?? i.id, title: i.title })),
    sites: names.map((n) => ({ siteKey: n.site_key, siteName: n.site_name })),
    cells: sums
      .filter((s) => sharedIds.has(s.item_id))
      .map((s) => ({
        siteKey: s.site_key,
        itemId: s.item_id,
        lostTenths: s.possible_h === 0 ? null : divideHalfUp(s.lost_h * 1000, s.possible_h),
        lostH: s.lost_h,
        possibleH: s.possible_h,
        audits: s.audits,
      }))
      .sort((x, y) => (heatKey(x.siteKey, x.itemId) < heatKey(y.siteKey, y.itemId) ? -1 : 1)),
    rubricVersions: versions.length,
    droppedItemIds: allIds.filter((id) => !sharedIds.has(id)),
  };
}

/** Every audit in view with its units: for a drill-down (one site) or the units CSV. */
export async function factsInView(db: Kysely<Database>, filter: HeadOfficeFilter, scope: ReadScope, siteKey?: string): Promise<AuditFact[]> {
  let query = auditsInView(db, filter, scope).select('a.facts').orderBy('a.audited_at').orderBy('a.audit_id');
  if (siteKey !== undefined) query = query.where('a.site_key', '=', siteKey);
  return (await query.execute()).map((r) => auditFactSchema.parse(r.facts));
}

/** The audits, grades and notes behind one heat-map cell, newest first: the domain's drillDown on that site's facts. */
export async function drillDownOf(db: Kysely<Database>, filter: HeadOfficeFilter, scope: ReadScope, siteKey: string, itemId: string) {
  return drillDown(await factsInView(db, filter, scope, siteKey), siteKey, itemId);
}
