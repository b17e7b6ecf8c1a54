import type { MonthRanking, RankedRow } from '../../domain/head-office';

// The 月度综合排名 is a Chinese document (like the 督办记录表): its CSV and PDF use these words in both languages.

/** Hundredths of a percent as text with two decimals, exactly (9143 → "91.43"). */
export const bpText = (bp: number | null): string =>
  bp === null ? '' : `${String(Math.floor(bp / 100))}.${String(bp % 100).padStart(2, '0')}`;

/** Hundredths of a point as text (500 → "5", 1250 → "12.5"). */
const pointsText = (h: number): string => String(h / 100);

/** "2026-11" → "2026年11月". */
export const monthTitle = (month: string): string => {
  const [year = '', mm = ''] = month.split('-');
  return `${year}年${String(Number(mm))}月`;
};

/**
 * Each indicator below target by name ("KPI-CC 受理量 5/10"), one not reported as "KPI-CC 客户满意率 缺报", a
 * component not reported at all as "KPI-YYT 缺报". A sealed audit's unit has no name in its facts: "第2项".
 */
export const belowTargetText = (row: RankedRow): string =>
  row.belowTarget
    .map((u) => {
      if (u.unitId === null) return `${u.rubricId} ${H_MISSING}`;
      const name = u.title ?? `第${u.unitId}项`;
      return u.missing
        ? `${u.rubricId} ${name} ${H_MISSING}`
        : `${u.rubricId} ${name} ${pointsText(u.earnedH)}/${pointsText(u.possibleH)}`;
    })
    .join(';');

const H_MISSING = '缺报';

/** A component's cell: its percent, 缺报 (a KPI not reported) or 未考核 (a scorecard not audited this month). */
export const partText = (row: RankedRow, rubricId: string): string => {
  const part = row.parts.find((p) => p.rubricId === rubricId);
  if (part?.missingReport === true) return H_MISSING;
  if (row.unaudited.includes(rubricId)) return '未考核';
  return bpText(part?.percentBp ?? null);
};

/** Why a rubric the definition names adds nothing to this month. */
export const noteTexts = (ranking: MonthRanking): string[] =>
  ranking.notes.map((note) =>
    note.reason === 'no-audits'
      ? `${note.rubricId}:没有任何考核数据(该评分表尚未导入或不存在),未计入`
      : `${note.rubricId}:本月没有考核数据,未计入`,
  );

export const RANKING_HEADINGS = {
  rank: '名次',
  site: '被考核单位',
  score: '综合得分(%)',
  covered: '计入权重',
  bottom: '末位',
  summoned: '约谈',
  belowTarget: '未达标指标',
  yes: '是',
  month: '月份',
} as const;
