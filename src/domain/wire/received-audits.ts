import { z } from 'zod';
import type { AuditFact } from '../compare/audit-fact';
import { gradeSchema } from '../rubric/rubric-schema';
import { saneInstant } from '../bounds/sane-instant';
import { filterText } from './head-office-filter';

const instant = saneInstant('须为带时区的 ISO 时间，如 2026-11-01T00:00:00+08:00 (an ISO date-time with offset)');

export const RECEIVED_AUDITS_MAX_LIMIT = 200;

/**
 * Where the next page starts: the last row's audit time and id, base64url JSON. Opaque to the app, which only
 * sends back what the server gave.
 */
export const receivedAuditCursorSchema = z.strictObject({ auditedAt: instant, auditId: z.uuid() });

export const receivedAuditQuerySchema = z.strictObject({
  /** A site key (as audits carry it: `code:…` or `name:…`). */
  site: filterText().trim().min(1, 'site 不能为空 (a site key)').optional(),
  rubricId: filterText().trim().min(1, 'rubricId 不能为空').optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce
    .number({ error: `limit 须为 1–${RECEIVED_AUDITS_MAX_LIMIT} 的整数` })
    .int(`limit 须为 1–${RECEIVED_AUDITS_MAX_LIMIT} 的整数`)
    .min(1, `limit 须为 1–${RECEIVED_AUDITS_MAX_LIMIT} 的整数`)
    .max(RECEIVED_AUDITS_MAX_LIMIT, `limit 须为 1–${RECEIVED_AUDITS_MAX_LIMIT} 的整数`)
    .default(50),
  /** The previous page's nextCursor. */
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'cursor 须为上一页返回的 nextCursor').optional(),
});
export type ReceivedAuditQuery = z.infer<typeof receivedAuditQuerySchema>;

/** How many graded units got each grade (不适用 included); metric units, which carry a figure, are not counted. */
export const gradeCountsSchema = z.partialRecord(gradeSchema, z.number().int().nonnegative());
export type GradeCounts = z.infer<typeof gradeCountsSchema>;

/** The `grades` of a received audit, from its facts: the server lists them, the app shows one audit's the same way. */
export function gradeCountsOf(units: AuditFact['units']): GradeCounts {
  const counts: GradeCounts = {};
  for (const unit of units) if (unit.grade !== undefined && unit.figure === undefined) counts[unit.grade] = (counts[unit.grade] ?? 0) + 1;
  return counts;
}

export const receivedAuditSchema = z.strictObject({
  auditId: z.string(),
  lineageId: z.string(),
  revision: z.number().int().min(1),
  rubricId: z.string(),
  rubricFingerprint: z.string(),
  siteKey: z.string(),
  siteName: z.string(),
  region: z.string().optional(),
  auditor: z.string(),
  auditedAt: z.string(),
  receivedAt: z.string(),
  earnedH: z.number().int(),
  possibleH: z.number().int(),
  percentTenths: z.number().int().nullable(),
  grades: gradeCountsSchema,
});
export type ReceivedAudit = z.infer<typeof receivedAuditSchema>;

export const receivedAuditListSchema = z.strictObject({
  /** Newest audit time first; only the latest revision of each audit. */
  audits: z.array(receivedAuditSchema),
  /** Send as `cursor` for the next page; null when this was the last. */
  nextCursor: z.string().nullable(),
});
export type ReceivedAuditList = z.infer<typeof receivedAuditListSchema>;
