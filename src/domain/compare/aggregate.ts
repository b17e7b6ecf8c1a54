import type { AuditFact, FactSummary } from './audit-fact';
import { heatKey } from './heat-key';

export { heatKey };

export interface DashboardFilter {
  readonly rubricId: string;
  /** Inclusive ISO date-time bounds on 考核时间. */
  readonly from?: string;
  readonly to?: string;
  readonly region?: string;
  readonly siteKey?: string;
  readonly auditor?: string;
}

/** Divides non-negative integers, rounding half up. */
export const divideHalfUp = (numerator: number, denominator: number): number =>
  Math.floor((2 * numerator + denominator) / (2 * denominator));

/** Only the latest revision of each audit counts; corrected revisions are history. */
export function latestRevisions<F extends FactSummary>(facts: readonly F[]): F[] {
  const latest = new Map<string, F>();
  for (const fact of facts) {
    const current = latest.get(fact.lineageId);
    if (!current || fact.revision > current.revision) latest.set(fact.lineageId, fact);
  }
  return [...latest.values()];
}

/**
 * Milliseconds since the epoch of an ISO date-time. Times carry their own offsets (a tablet in +08:00,
 * a filter in UTC), so they are compared as instants, never as strings: "2026-12-01T01:00+08:00" is
 * 30 November in UTC and sorts after "2026-11-30T20:00Z" only as text.
 */
export const instantOf = (iso: string): number => Date.parse(iso);

const byInstant = (a: FactSummary, b: FactSummary): number => instantOf(a.auditedAt) - instantOf(b.auditedAt);

export function applyFilter<F extends FactSummary>(facts: readonly F[], filter: DashboardFilter): F[] {
  const from = filter.from === undefined ? undefined : instantOf(filter.from);
  const to = filter.to === undefined ? undefined : instantOf(filter.to);
  return facts.filter(
    (f) =>
      f.rubricId === filter.rubricId &&
      (from === undefined || instantOf(f.auditedAt) >= from) &&
      (to === undefined || instantOf(f.auditedAt) <= to) &&
      (filter.region === undefined || f.region === filter.region) &&
      (filter.siteKey === undefined || f.siteKey === filter.siteKey) &&
      (filter.auditor === undefined || f.auditor === filter.auditor),
  );
}

/** Mean of per-audit percents (tenths), half up: each audit weighs the same whatever was 不适用. */
export function averagePercentTenths(facts: readonly FactSummary[]): number | null {
  const percents = facts.map((f) => f.percentTenths).filter((p): p is number => p !== null);
  if (percents.length === 0) return null;
  return divideHalfUp(
    percents.reduce((a, b) => a + b, 0),
    percents.length,
  );
}

export interface SiteRanking {
  readonly siteKey: string;
  readonly siteName: string;
  readonly region: string | undefined;
  readonly count: number;
  readonly latestPercentTenths: number | null;
  readonly latestAuditedAt: string;
  readonly averagePercentTenths: number | null;
  readonly previousAveragePercentTenths: number | null;
  /** Average now minus average in the previous period, in tenths of a percent. */
  readonly changeTenths: number | null;
  readonly isBottom: boolean;
}

const bySite = (facts: readonly FactSummary[]): Map<string, FactSummary[]> => {
  const groups = new Map<string, FactSummary[]>();
  for (const f of facts) {
    const group = groups.get(f.siteKey);
    if (group) group.push(f);
    else groups.set(f.siteKey, [f]);
  }
  return groups;
};

/** Sites best first by average percent; the bottom N (by average) are marked. */
export function rankSites(
  current: readonly FactSummary[],
  previous: readonly FactSummary[],
  bottomN: number,
): SiteRanking[] {
  const before = bySite(previous);
  const rows = [...bySite(current)].map(([siteKey, facts]): SiteRankingRow => {
    const sorted = [...facts].sort(byInstant);
    const latest = sorted[sorted.length - 1] ?? sorted[0];
    const average = averagePercentTenths(facts);
    const previousAverage = averagePercentTenths(before.get(siteKey) ?? []);
    return {
      siteKey,
      siteName: latest?.siteName ?? siteKey,
      region: latest?.region,
      count: facts.length,
      latestPercentTenths: latest?.percentTenths ?? null,
      latestAuditedAt: latest?.auditedAt ?? '',
      averagePercentTenths: average,
      previousAveragePercentTenths: previousAverage,
      changeTenths: average !== null && previousAverage !== null ? average - previousAverage : null,
    };
  });
  return orderRanking(rows, bottomN);
}

export type SiteRankingRow = Omit<SiteRanking, 'isBottom'>;

/**
 * Best first by average percent, then by name; the bottom N (by average) marked. Shared by rankSites and
 * the server, which sums each site in SQL and orders here so both rank alike.
 */
export function orderRanking(rows: readonly SiteRankingRow[], bottomN: number): SiteRanking[] {
  const ordered = [...rows].sort(
    (a, b) =>
      (b.averagePercentTenths ?? -1) - (a.averagePercentTenths ?? -1) ||
      a.siteName.localeCompare(b.siteName, 'zh-CN'),
  );
  // 末位 means behind the others: with no more ranked sites than N, nobody is (a lone site is not 末位).
  const ranked = ordered.filter((r) => r.averagePercentTenths !== null);
  const bottom = new Set(ranked.length > bottomN ? ranked.slice(-bottomN).map((r) => r.siteKey) : []);
  return ordered.map((r) => ({ ...r, isBottom: bottomN > 0 && bottom.has(r.siteKey) }));
}

export function siteTrend(
  facts: readonly FactSummary[],
  siteKey: string,
): { auditId: string; auditedAt: string; percentTenths: number | null }[] {
  return facts
    .filter((f) => f.siteKey === siteKey)
    .sort(byInstant)
    .map((f) => ({ auditId: f.auditId, auditedAt: f.auditedAt, percentTenths: f.percentTenths }));
}

export interface HeatMap {
  /** Items every rubric version in view has; an older version is compared on these only. */
  readonly items: readonly { id: string; label: string; title: string }[];
  readonly sites: readonly { siteKey: string; siteName: string }[];
  /** `${siteKey}|${itemId}` → share of applicable points lost, tenths of a percent (null: all 不适用). */
  readonly cells: ReadonlyMap<
    string,
    { lostTenths: number | null; lostH: number; possibleH: number; audits: number }
  >;
  readonly rubricVersions: number;
  /** Items left out because not every rubric version has them. */
  readonly droppedItemIds: readonly string[];
}

export function heatMap(facts: readonly FactSummary[]): HeatMap {
  const versions = new Map<string, FactSummary>();
  for (const f of facts) if (!versions.has(f.rubricFingerprint)) versions.set(f.rubricFingerprint, f);
  const itemSets = [...versions.values()].map((f) => new Set(f.items.map((i) => i.id)));
  const first = [...versions.values()][0];
  const allIds = [...new Set([...versions.values()].flatMap((f) => f.items.map((i) => i.id)))];
  const shared = (first?.items ?? []).filter((i) => itemSets.every((set) => set.has(i.id)));
  const sharedIds = new Set(shared.map((i) => i.id));
  // Sums first, one object per cell (not one per audit and item: 10,000 audits made 100,000), shares last.
  const sums = new Map<string, { lostH: number; possibleH: number; audits: number }>();
  const sites = new Map<string, string>();
  for (const fact of facts) {
    sites.set(fact.siteKey, fact.siteName);
    for (const item of fact.items) {
      if (!sharedIds.has(item.id)) continue;
      const key = heatKey(fact.siteKey, item.id);
      const cell = sums.get(key);
      if (cell) {
        cell.lostH += item.possibleH - item.earnedH;
        cell.possibleH += item.possibleH;
        cell.audits += 1;
      } else sums.set(key, { lostH: item.possibleH - item.earnedH, possibleH: item.possibleH, audits: 1 });
    }
  }
  const cells = new Map<
    string,
    { lostTenths: number | null; lostH: number; possibleH: number; audits: number }
  >();
  for (const [key, { lostH, possibleH, audits }] of sums)
    cells.set(key, { lostH, possibleH, audits, lostTenths: possibleH === 0 ? null : divideHalfUp(lostH * 1000, possibleH) });
  return {
    // Columns read as the paper does: KF3's 一…五, the number elsewhere.
    items: shared.map((i) => ({ id: i.id, label: i.label ?? i.id, title: i.title })),
    sites: [...sites].map(([siteKey, siteName]) => ({ siteKey, siteName })),
    cells,
    rubricVersions: versions.size,
    droppedItemIds: allIds.filter((id) => !sharedIds.has(id)),
  };
}

/** The audits, grades and notes behind one heat-map cell, newest first. */
export function drillDown(facts: readonly AuditFact[], siteKey: string, itemId: string) {
  return facts
    .filter((f) => f.siteKey === siteKey)
    .sort((a, b) => byInstant(b, a))
    .map((f) => {
      const item = f.items.find((i) => i.id === itemId);
      return {
        auditId: f.auditId,
        auditedAt: f.auditedAt,
        auditor: f.auditor,
        /** The units' 标准 are read from this exact rubric version. */
        rubricFingerprint: f.rubricFingerprint,
        earnedH: item?.earnedH ?? 0,
        possibleH: item?.possibleH ?? 0,
        units: f.units.filter((u) => u.itemId === itemId),
      };
    });
}

/**
 * Rubric ids in a stable order (KF3 before KF10), and the one with the most audits (the first of equals): what a
 * head office most likely came to compare. The app counts its facts, the server its rows; both choose here.
 */
export function rubricChoices(counts: ReadonlyMap<string, number>): { ids: string[]; preferred: string | undefined } {
  const ids = [...counts.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const preferred = [...ids].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0];
  return { ids, preferred };
}

/** The same span of time immediately before [from, to], for "change since the previous period". */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const length = end - start;
  return { from: new Date(start - length - 1).toISOString(), to: new Date(start - 1).toISOString() };
}
