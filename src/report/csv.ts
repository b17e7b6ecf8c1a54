import { csvAssessment } from './kinds/unit-kind-reports';
import { wallClock } from './sheet-time';
import { fromHundredths, fromTenths, type AuditFact, type FactSummary, type Grade } from '../domain/index';

export type CsvCell = string | number;

/** Excel guesses the encoding of a CSV from its first bytes; without the BOM it reads UTF-8 Chinese as GBK gibberish. */
const BOM = '\uFEFF';

/**
 * Text that a spreadsheet would run as a formula (CSV injection): a site name or note typed on a
 * tablet must never execute on the head-office PC, so such text is kept as text with a leading '.
 */
const formulaStart = /^[=+\-@\t\r]/;

export function csvField(value: CsvCell): string {
  if (typeof value === 'number') return String(value);
  const text = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180: CRLF after every record, the header included. */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return BOM + rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

export interface AuditCsvLabels {
  readonly site: string;
  readonly region: string;
  readonly rubric: string;
  readonly date: string;
  readonly auditor: string;
  readonly earned: string;
  readonly possible: string;
  readonly percent: string;
}

export interface UnitCsvLabels {
  readonly auditId: string;
  readonly site: string;
  readonly rubric: string;
  readonly date: string;
  readonly unit: string;
  readonly grade: string;
  readonly earned: string;
  readonly possible: string;
  readonly note: string;
}

const percentCell = (tenths: number | null): CsvCell => (tenths === null ? '' : fromTenths(tenths));

/**
 * "2026-11-24 10:30" in the given zone: Excel reads this as a date-time, which it never does for an ISO
 * instant like 2026-11-24T02:30:00.000Z. The zone belongs in the column header, since the cell cannot say it.
 */
export function localDateTime(iso: string, timeZone: string): string {
  const wall = wallClock(new Date(iso), timeZone);
  return `${wall.year}-${wall.month}-${wall.day} ${wall.hour}:${wall.minute}`;
}

/** True when the runtime knows this IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One row per audit. Points and percents are plain numbers so the spreadsheet can sum and average them. */
export function auditsCsv(facts: readonly FactSummary[], labels: AuditCsvLabels, timeZone: string): string {
  return toCsv([
    [
      labels.site,
      labels.region,
      labels.rubric,
      labels.date,
      labels.auditor,
      labels.earned,
      labels.possible,
      labels.percent,
    ],
    ...facts.map((f) => [
      f.siteName,
      f.region ?? '',
      f.rubricId,
      localDateTime(f.auditedAt, timeZone),
      f.auditor,
      fromHundredths(f.earnedH),
      fromHundredths(f.possibleH),
      percentCell(f.percentTenths),
    ]),
  ]);
}

/** One row per audit × scored unit (graded or with a figure); ungraded units (none in a finalised audit) are left out. */
export function unitsCsv(
  facts: readonly AuditFact[],
  labels: UnitCsvLabels,
  gradeLabel: (grade: Grade) => string,
  timeZone: string,
): string {
  return toCsv([
    [
      labels.auditId,
      labels.site,
      labels.rubric,
      labels.date,
      labels.unit,
      labels.grade,
      labels.earned,
      labels.possible,
      labels.note,
    ],
    ...facts.flatMap((f) =>
      f.units.flatMap((u) => {
        const assessment = csvAssessment(u, gradeLabel);
        return assessment === undefined
          ? []
          : [
              [
                f.auditId,
                f.siteName,
                f.rubricId,
                localDateTime(f.auditedAt, timeZone),
                u.id,
                assessment,
                fromHundredths(u.earnedH),
                fromHundredths(u.possibleH),
                u.note,
              ],
            ];
      }),
    ),
  ]);
}
