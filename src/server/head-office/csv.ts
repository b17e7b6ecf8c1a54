import { factSummarySchema, type Grade } from '../../domain/head-office';
import { auditsCsv, isTimeZone, unitsCsv } from '../../report/csv';
import { zhCN } from '../../i18n/zh-CN';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables';
import { factsInView } from './detail';
import { auditsInView, type HeadOfficeFilter, type ReadScope } from './view';

const labels = zhCN.dashboard.csv;
const dateIn = (zone: string): string => labels.dateIn.replace('{{zone}}', zone);

export { isTimeZone };

/** 考核 CSV: the app's columns and Chinese headers (ExportPanel), one row per audit in view, oldest first. */
export async function auditsCsvOf(db: Kysely<Database>, filter: HeadOfficeFilter, scope: ReadScope, timeZone: string): Promise<string> {
  // Summaries only: units are most of a fact and this file does not show them.
  const rows = await auditsInView(db, filter, scope)
    .select(sql`a.facts - 'units'`.as('summary'))
    .orderBy('a.audited_at')
    .orderBy('a.audit_id')
    .execute();
  return auditsCsv(
    rows.map((r) => factSummarySchema.parse(r.summary)),
    {
      site: labels.site,
      region: labels.region,
      rubric: labels.rubric,
      date: dateIn(timeZone),
      auditor: labels.auditor,
      earned: labels.earned,
      possible: labels.possible,
      percent: labels.percent,
    },
    timeZone,
  );
}

const gradeLabel = (grade: Grade): string => zhCN.grade[grade];

/** 评分单元 CSV: one row per audit × graded unit, grades in Chinese as the app writes them. */
export async function unitsCsvOf(db: Kysely<Database>, filter: HeadOfficeFilter, scope: ReadScope, timeZone: string): Promise<string> {
  return unitsCsv(
    await factsInView(db, filter, scope),
    {
      auditId: labels.auditId,
      site: labels.site,
      rubric: labels.rubric,
      date: dateIn(timeZone),
      unit: labels.unit,
      grade: labels.grade,
      earned: labels.earned,
      possible: labels.possible,
      note: labels.note,
    },
    gradeLabel,
    timeZone,
  );
}
