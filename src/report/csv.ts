import { fromHundredths, fromTenths, type AuditFact } from '../domain/index';

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
const field = (value: string | number | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const rows = (lines: readonly (readonly (string | number | null | undefined)[])[]): string =>
  // The BOM makes Excel read the file as UTF-8, so Chinese names survive.
  `\uFEFF${lines.map((line) => line.map(field).join(',')).join('\r\n')}\r\n`;

const percent = (tenths: number | null): string => (tenths === null ? '' : fromTenths(tenths).toFixed(1));

/** One row per audit: site, region, rubric, date, auditor, earned, possible, percent. */
export function auditsCsv(facts: readonly AuditFact[]): string {
  return rows([
    [
      'audit_id',
      'revision',
      'site',
      'site_key',
      'region',
      'rubric',
      'audited_at',
      'auditor',
      'earned',
      'possible',
      'percent',
    ],
    ...facts.map((f) => [
      f.auditId,
      f.revision,
      f.siteName,
      f.siteKey,
      f.region,
      f.rubricId,
      f.auditedAt,
      f.auditor,
      fromHundredths(f.earnedH),
      fromHundredths(f.possibleH),
      percent(f.percentTenths),
    ]),
  ]);
}

/** One row per audit × graded unit, with its grade, points and note. */
export function unitsCsv(facts: readonly AuditFact[]): string {
  return rows([
    ['audit_id', 'site', 'rubric', 'audited_at', 'unit', 'grade', 'earned', 'possible', 'note'],
    ...facts.flatMap((f) =>
      f.units.map((u) => [
        f.auditId,
        f.siteName,
        f.rubricId,
        f.auditedAt,
        u.id,
        u.grade ?? '',
        fromHundredths(u.earnedH),
        fromHundredths(u.possibleH),
        u.note,
      ]),
    ),
  ]);
}
