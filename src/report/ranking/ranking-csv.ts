import type { MonthRanking } from '../../domain/head-office';
import { toCsv, type CsvCell } from '../csv';
import { RANKING_HEADINGS as H, belowTargetText, bpText, partText } from './ranking-text';

/**
 * One month's 综合排名 as CSV (UTF-8 with BOM, for Excel): a row per ranked site with its score, each
 * rubric's percent, the weight it was scored on, 末位, 约谈 and the indicators below target. Sites whose
 * every audit was 不适用 follow, unranked.
 */
export function rankingCsv(ranking: MonthRanking): string {
  const ids = ranking.components.map((c) => c.rubricId);
  const header: CsvCell[] = [
    H.month,
    H.rank,
    H.site,
    H.score,
    ...ranking.components.map((c) => `${c.rubricId}(%)权重${String(c.weight)}`),
    H.covered,
    H.bottom,
    H.summoned,
    H.belowTarget,
  ];
  const rows: CsvCell[][] = ranking.rows.map((row) => [
    ranking.month,
    row.rank,
    row.siteName,
    bpText(row.scoreBp),
    ...ids.map((id) => partText(row, id)),
    row.coveredWeight,
    row.isBottom ? H.yes : '',
    row.isSummoned ? H.yes : '',
    belowTargetText(row),
  ]);
  const unranked: CsvCell[][] = ranking.unranked.map((site) => [
    ranking.month,
    '',
    site.siteName,
    '',
    ...ids.map(() => ''),
    0,
    '',
    '',
    '',
  ]);
  return toCsv([header, ...rows, ...unranked]);
}
