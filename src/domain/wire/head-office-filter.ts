import { z } from 'zod';

const instant = z.iso.datetime({ offset: true, error: '须为带时区的 ISO 时间，如 2026-11-01T00:00:00+08:00 (an ISO date-time with offset)' });

/** The dashboard's filters, as query parameters: the same fields as the domain's DashboardFilter. */
export const headOfficeFilterSchema = z.strictObject({
  rubricId: z.string().trim().min(1, '请选择考核表 (rubricId is required)'),
  from: instant.optional(),
  to: instant.optional(),
  region: z.string().optional(),
  siteKey: z.string().optional(),
  auditor: z.string().optional(),
});
export type HeadOfficeFilter = z.infer<typeof headOfficeFilterSchema>;

