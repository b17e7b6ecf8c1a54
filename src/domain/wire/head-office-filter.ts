import { z } from 'zod';
import { plainText } from '../bounds/plain-text';
import { saneInstant } from '../bounds/sane-instant';

const instant = saneInstant('须为带时区的 ISO 时间，如 2026-11-01T00:00:00+08:00 (an ISO date-time with offset)');
/** A filter value: whatever a column may hold, so never a control character (PostgreSQL refuses NUL in a query). */
const filterText = () => plainText().max(500, '最长 500 个字符 (at most 500 characters)');

/** The dashboard's filters, as query parameters: the same fields as the domain's DashboardFilter. */
export const headOfficeFilterSchema = z.strictObject({
  rubricId: filterText().trim().min(1, '请选择考核表 (rubricId is required)'),
  from: instant.optional(),
  to: instant.optional(),
  region: filterText().optional(),
  siteKey: filterText().optional(),
  auditor: filterText().optional(),
});
export { filterText };
export type HeadOfficeFilter = z.infer<typeof headOfficeFilterSchema>;

