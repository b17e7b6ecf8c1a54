import type { RankingComponent, RankingDefinition } from './ranking-schema';

/**
 * What the ranking reads of one sealed audit: head office's facts (AuditFact fits). `units` is needed only
 * for audits of a `kpi` component, to find indicators below target.
 */
export interface RankingFact {
  readonly auditId: string;
  readonly lineageId: string;
  readonly revision: number;
  readonly rubricId: string;
  readonly siteKey: string;
  readonly siteName: string;
  readonly auditedAt: string;
  readonly earnedH: number;
  readonly possibleH: number;
  readonly units?: readonly RankingUnit[];
}

/**
 * One indicator of a KPI fact. Figures judged against the seed's standard say so (`belowTarget`): 97.99 % against
 * 98 % is below target even when its points round to full marks. Without it (a sealed KPI audit's units), a unit
 * earning less than its possible points is below target. `missing` is a figure the site did not report (缺报):
 * 0 points of its possible, and below target.
 */
export interface RankingUnit {
  readonly id: string;
  readonly earnedH: number;
  readonly possibleH: number;
  /** The indicator's name (客户满意率), so the ranking never says only "第1项". */
  readonly title?: string;
  readonly belowTarget?: boolean;
  readonly missing?: boolean;
}

/**
 * An indicator of a KPI rubric below target in the month, or not reported at all (`missing`, 缺报: a whole
 * component the site did not report has `unitId` null).
 */
export interface IndicatorBelowTarget {
  readonly rubricId: string;
  readonly auditId: string;
  readonly unitId: string | null;
  readonly title?: string;
  readonly earnedH: number;
  readonly possibleH: number;
  readonly missing: boolean;
}

export interface RankingPart {
  readonly rubricId: string;
  readonly audits: number;
  /** Mean of the audits' percents, in hundredths of a percent (9235 = 92.35 %); null if all were 不适用. */
  readonly percentBp: number | null;
  /** A KPI component others reported this month and this site did not (缺报): 0 %, its weight counted. */
  readonly missingReport: boolean;
}

export interface RankedRow {
  /** Competition ranking: equal scores share a rank (1, 1, 3). */
  readonly rank: number;
  readonly siteKey: string;
  readonly siteName: string;
  /** Weighted mean of the parts, hundredths of a percent. */
  readonly scoreBp: number;
  /** The weights of the components this site had audits for in the month (the score is over these only). */
  readonly coveredWeight: number;
  readonly parts: readonly RankingPart[];
  readonly isBottom: boolean;
  readonly belowTarget: readonly IndicatorBelowTarget[];
  /** Scorecards audited at other sites this month but not at this one (未考核): left out of its score. */
  readonly unaudited: readonly string[];
  /** 末位 and (where the rule asks) an indicator below target: on the 约谈 list. */
  readonly isSummoned: boolean;
}

/** Why a component adds nothing to a month: no audit of that rubric at all, or none in this month. */
export interface ComponentNote {
  readonly rubricId: string;
  readonly reason: 'no-audits' | 'none-this-month';
}

export interface MonthRanking {
  readonly definitionId: string;
  readonly title: string;
  /** YYYY-MM at the definition's offset. */
  readonly month: string;
  readonly components: readonly (RankingComponent & { readonly audits: number })[];
  readonly rows: readonly RankedRow[];
  /** Sites with audits in the month whose every part was 不适用: listed, not ranked. */
  readonly unranked: readonly { readonly siteKey: string; readonly siteName: string }[];
  readonly notes: readonly ComponentNote[];
  readonly summoned: readonly string[];
}

/** Divides non-negative integers, rounding half up. */
const divideHalfUp = (numerator: number, denominator: number): number =>
  Math.floor((2 * numerator + denominator) / (2 * denominator));

const offsetMinutes = (offset: string): number => {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours = '0', minutes = '0'] = offset.slice(1).split(':');
  return sign * (Number(hours) * 60 + Number(minutes));
};

/** The calendar month (YYYY-MM) of an instant at a fixed UTC offset. */
export function monthOf(isoDateTime: string, utcOffset: string): string {
  const local = Date.parse(isoDateTime) + offsetMinutes(utcOffset) * 60_000;
  return new Date(local).toISOString().slice(0, 7);
}

/** Only the latest revision of each audit counts. */
function latest<F extends RankingFact>(facts: readonly F[]): F[] {
  const byLineage = new Map<string, F>();
  for (const fact of facts) {
    const current = byLineage.get(fact.lineageId);
    if (!current || fact.revision > current.revision) byLineage.set(fact.lineageId, fact);
  }
  return [...byLineage.values()];
}

const inRanking = (definition: RankingDefinition, facts: readonly RankingFact[]): RankingFact[] => {
  const ids = new Set(definition.components.map((c) => c.rubricId));
  return latest(facts.filter((f) => ids.has(f.rubricId)));
};

/** The months with audits of the ranking's rubrics, newest first. */
export function rankingMonths(definition: RankingDefinition, facts: readonly RankingFact[]): string[] {
  const months = new Set(inRanking(definition, facts).map((f) => monthOf(f.auditedAt, definition.utcOffset)));
  return [...months].sort().reverse();
}

/** An audit's percent in hundredths of a percent, half up; null when everything was 不适用. */
const auditBp = (fact: RankingFact): number | null =>
  fact.possibleH === 0 ? null : divideHalfUp(fact.earnedH * 10_000, fact.possibleH);

/**
 * The 月度综合排名 of one month, exactly (integers throughout):
 * 1. each audit's percent in hundredths of a percent, half up;
 * 2. a site's part for a rubric: the mean of its audits' percents in the month, half up (each audit weighs the
 *    same, as on the dashboard); audits all 不适用 drop out;
 * 3. the site's score: Σ weight × part / Σ weight over the parts it has, half up — a site without audits of a
 *    rubric that month is scored on the others (its covered weight says so), never given 0;
 * 4. best first; equal scores share a rank; the last `bottom.places` places are 末位 (ties all count; with no
 *    more sites than places nobody is 末位);
 * 5. a 末位 site with an indicator below target (judged on the figure against the standard where the fact says
 *    so, else a unit earning less than its possible points) or not reported (缺报) is on the 约谈 list; without
 *    `requireIndicatorBelowTarget` every 末位 site is.
 * Fairness: a `kpi` component that any site reported this month is expected of every site ranked: one that did
 * not report it is 缺报 — 0 % on that component's full weight, flagged — so leaving out a weak figure never
 * ranks a site higher. A `scorecard` is done by head office, not reported: a site it did not audit this month is
 * 未考核 and scored on the rest (its covered weight says so). A component nobody has this month counts for no one.
 */
export function rankMonth(
  definition: RankingDefinition,
  facts: readonly RankingFact[],
  month: string,
): MonthRanking {
  const all = inRanking(definition, facts);
  const ofMonth = all.filter((f) => monthOf(f.auditedAt, definition.utcOffset) === month);
  const components = definition.components.map((c) => ({
    ...c,
    audits: ofMonth.filter((f) => f.rubricId === c.rubricId).length,
  }));
  const notes: ComponentNote[] = components
    .filter((c) => c.audits === 0)
    .map((c) => ({
      rubricId: c.rubricId,
      reason: all.some((f) => f.rubricId === c.rubricId) ? 'none-this-month' : 'no-audits',
    }));

  const sites = new Map<string, { name: string; at: number; facts: RankingFact[] }>();
  for (const fact of ofMonth) {
    const at = Date.parse(fact.auditedAt);
    const site = sites.get(fact.siteKey) ?? { name: fact.siteName, at, facts: [] };
    site.facts.push(fact);
    // A site renamed on one tablet shows under its most recent name.
    if (at >= site.at) Object.assign(site, { name: fact.siteName, at });
    sites.set(fact.siteKey, site);
  }

  const scored: Omit<RankedRow, 'rank' | 'isBottom' | 'isSummoned'>[] = [];
  const unranked: { siteKey: string; siteName: string }[] = [];
  for (const [siteKey, site] of sites) {
    const parts: RankingPart[] = [];
    let weighted = 0;
    let coveredWeight = 0;
    const unaudited: string[] = [];
    const notReported: IndicatorBelowTarget[] = [];
    for (const component of components) {
      const audits = site.facts.filter((f) => f.rubricId === component.rubricId);
      if (audits.length === 0) {
        if (component.audits === 0) continue;
        if (component.kind === 'scorecard') {
          unaudited.push(component.rubricId);
          continue;
        }
        parts.push({ rubricId: component.rubricId, audits: 0, percentBp: 0, missingReport: true });
        coveredWeight += component.weight;
        notReported.push({ rubricId: component.rubricId, auditId: '', unitId: null, earnedH: 0, possibleH: 0, missing: true });
        continue;
      }
      const percents = audits.map(auditBp).filter((p): p is number => p !== null);
      const percentBp =
        percents.length === 0
          ? null
          : divideHalfUp(
              percents.reduce((a, b) => a + b, 0),
              percents.length,
            );
      parts.push({ rubricId: component.rubricId, audits: audits.length, percentBp, missingReport: false });
      if (percentBp === null) continue;
      weighted += component.weight * percentBp;
      coveredWeight += component.weight;
    }
    if (coveredWeight === 0) {
      unranked.push({ siteKey, siteName: site.name });
      continue;
    }
    const kpiIds = new Set(definition.components.filter((c) => c.kind === 'kpi').map((c) => c.rubricId));
    const belowTarget: IndicatorBelowTarget[] = site.facts
      .filter((f) => kpiIds.has(f.rubricId))
      .flatMap((f) =>
        (f.units ?? [])
          .filter((u) => u.missing === true || (u.belowTarget ?? u.earnedH < u.possibleH))
          .map((u): IndicatorBelowTarget => ({
            rubricId: f.rubricId,
            auditId: f.auditId,
            unitId: u.id,
            ...(u.title === undefined ? {} : { title: u.title }),
            earnedH: u.earnedH,
            possibleH: u.possibleH,
            missing: u.missing === true,
          })),
      )
      .concat(notReported);
    scored.push({
      siteKey,
      siteName: site.name,
      scoreBp: divideHalfUp(weighted, coveredWeight),
      coveredWeight,
      parts,
      belowTarget,
      unaudited,
    });
  }

  scored.sort((a, b) => b.scoreBp - a.scoreBp || a.siteName.localeCompare(b.siteName, 'zh-CN'));
  const { places, requireIndicatorBelowTarget } = definition.bottom;
  // The score at the first 末位 place; everyone at or below it is 末位 — but only when behind someone (sites
  // all tied are not 末位, nor is a lone site).
  const topScore = scored[0]?.scoreBp;
  const bottomScore = scored.length > places ? scored[scored.length - places]?.scoreBp : undefined;
  const rows = scored.map((row): RankedRow => {
    const rank = scored.findIndex((other) => other.scoreBp === row.scoreBp) + 1;
    const isBottom = bottomScore !== undefined && row.scoreBp <= bottomScore && row.scoreBp !== topScore;
    const isSummoned = isBottom && (!requireIndicatorBelowTarget || row.belowTarget.length > 0);
    return { ...row, rank, isBottom, isSummoned };
  });
  return {
    definitionId: definition.id,
    title: definition.title,
    month,
    components,
    rows,
    unranked: unranked.sort((a, b) => a.siteName.localeCompare(b.siteName, 'zh-CN')),
    notes,
    summoned: rows.filter((r) => r.isSummoned).map((r) => r.siteKey),
  };
}
