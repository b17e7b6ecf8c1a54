import { isPlainText } from '../../bounds/plain-text';
import type { Rubric } from '../../rubric/rubric-schema';
import { findNode, walkNodes } from '../../rubric/rubric-tree';
import { figureRefusal } from './metric-kind';
import { readFigure, type FigureProblem } from './read-figure';

/** One month's figures of one site on one KPI rubric, as imported. */
export interface MonthFigures {
  /** YYYY-MM. */
  readonly month: string;
  readonly site: string;
  readonly rubricId: string;
  /** Figure by metric unit id, in the unit's own unit (at most two decimals). */
  readonly figures: Readonly<Record<string, number>>;
}

/** A refused line of the file: its 1-based line number and why, in Chinese (what the person fixes). */
export interface RowIssue {
  readonly line: number;
  readonly reason: string;
}

/** A rubric a figures file may name: one with at least one metric unit. */
export const hasMetricUnits = (rubric: Rubric): boolean =>
  [...walkNodes(rubric)].some(({ node }) => node.kind === 'metric');

export const FIGURES_CSV_HEADERS = [
  ['month', 'site', 'rubric', 'unit', 'figure'],
  ['月份', '被考核单位', '考核表', '序号', '数值'],
] as const;

const figureReasons: Record<FigureProblem, string> = {
  empty: '数值为空',
  not_a_number: '数值不是数字(不要带单位或符号)',
  too_many_decimals: '数值最多两位小数',
  too_large: '数值不能超过 1000000',
};

/** RFC 4180 fields of each line: quotes, doubled quotes, commas and line breaks inside quotes; CRLF or LF. */
export function csvRecords(text: string): { line: number; fields: string[] }[] | { line: number; reason: string } {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += c;
  }
  if (quoted) return { line: recordLine, reason: '引号没有闭合' };
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return records.filter((r) => !(r.fields.length === 1 && r.fields[0]?.trim() === ''));
}

/** A line of a figures file, read as text cells (a CSV line, or a row of a spreadsheet). */
export interface FigureRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * A rate written as a fraction (0.9799 where the unit is %) is a typing or spreadsheet-format slip, not a
 * 0.98 % rate: refused with the figure it probably meant. Strictly between 0 and 1, so 0 % and 1 % stay writable.
 */
function fractionHint(unit: string | undefined, text: string): string | undefined {
  if (unit !== '%') return undefined;
  const value = Number(text.trim());
  if (!Number.isFinite(value) || value <= 0 || value >= 1) return undefined;
  const percent = Math.round(value * 1_000_000) / 10_000;
  return `比率“${text.trim()}”像是小数写法：请按百分数填写，如 ${String(percent)} 表示 ${String(percent)}%（不要写成 ${text.trim()}）`;
}

/**
 * Reads a figures CSV (one figure a line: month, site, rubric, unit, figure) against the KPI rubrics it may name.
 * All or nothing: every bad line is reported with its number and reason, and then nothing is returned to import.
 */
export function readFiguresCsv(
  text: string,
  rubrics: ReadonlyMap<string, Rubric>,
): { ok: true; value: MonthFigures[] } | { ok: false; issues: RowIssue[] } {
  const records = csvRecords(text);
  if (!Array.isArray(records)) return { ok: false, issues: [records] };
  return readFigureRecords(records, rubrics);
}

/** The rows of a figures file, header first, checked as readFiguresCsv does (a spreadsheet's rows come here). */
export function readFigureRecords(
  records: readonly FigureRecord[],
  rubrics: ReadonlyMap<string, Rubric>,
): { ok: true; value: MonthFigures[] } | { ok: false; issues: RowIssue[] } {
  const [header, ...rows] = records;
  const expected = FIGURES_CSV_HEADERS[0].join(',');
  if (
    header === undefined ||
    !FIGURES_CSV_HEADERS.some((h) => h.join(',') === header.fields.map((f) => f.trim()).join(','))
  ) {
    return {
      ok: false,
      issues: [{ line: header?.line ?? 1, reason: `第一行应是表头 ${expected}(或 ${FIGURES_CSV_HEADERS[1].join(',')})` }],
    };
  }
  if (rows.length === 0) return { ok: false, issues: [{ line: header.line, reason: '文件只有表头,没有数值' }] };

  const issues: RowIssue[] = [];
  const seen = new Map<string, number>();
  const months = new Map<string, { month: string; site: string; rubricId: string; figures: Record<string, number> }>();
  for (const { line, fields } of rows) {
    const refuse = (reason: string) => issues.push({ line, reason });
    if (fields.length !== 5) {
      refuse(`应有 5 列(${expected}),这一行有 ${fields.length} 列`);
      continue;
    }
    // Before anything quotes a cell back or looks it up: the database refuses NUL, and the rest garble the report.
    const unplain = fields.findIndex((f) => !isPlainText(f));
    if (unplain >= 0) {
      refuse(`第 ${String(unplain + 1)} 列（${FIGURES_CSV_HEADERS[1][unplain] ?? ''}）含控制字符（如 NUL）或残缺的 Unicode 字符`);
      continue;
    }
    const [month = '', site = '', rubricId = '', unitId = '', figureText = ''] = fields.map((f) => f.trim());
    const monthMatch = /^(\d{4})-(\d{2})$/.exec(month);
    if (monthMatch === null || Number(monthMatch[2]) < 1 || Number(monthMatch[2]) > 12) {
      refuse(`月份“${month}”应写成 YYYY-MM,如 2026-11`);
      continue;
    }
    if (site === '') {
      refuse('被考核单位为空');
      continue;
    }
    if (site.length > 200) {
      refuse('被考核单位最多 200 个字');
      continue;
    }
    const rubric = rubrics.get(rubricId);
    if (rubric === undefined) {
      refuse(`没有考核表“${rubricId}”(可用:${[...rubrics.keys()].join('、')})`);
      continue;
    }
    const node = findNode(rubric, unitId);
    if (node === undefined || node.children !== undefined || node.kind !== 'metric') {
      refuse(`考核表 ${rubricId} 没有指标“${unitId}”`);
      continue;
    }
    const fraction = fractionHint(node.unit, figureText);
    if (fraction !== undefined) {
      refuse(fraction);
      continue;
    }
    const read = readFigure(figureText);
    if (!read.ok) {
      refuse(`${figureReasons[read.problem]}:“${figureText}”`);
      continue;
    }
    const refusal = figureRefusal(node, read.value);
    if (refusal !== undefined) {
      refuse(refusal === 'over_100' ? `比率 ${read.value}% 超过 100%` : `例数 ${read.value} 不是整数`);
      continue;
    }
    const key = JSON.stringify([month, site, rubricId, unitId]);
    const first = seen.get(key);
    if (first !== undefined) {
      refuse(`与第 ${first} 行重复(同一月份、单位、考核表和指标)`);
      continue;
    }
    seen.set(key, line);
    const monthKey = JSON.stringify([month, site, rubricId]);
    const entry = months.get(monthKey) ?? { month, site, rubricId, figures: {} };
    entry.figures[unitId] = read.value;
    months.set(monthKey, entry);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: [...months.values()] };
}
