import { z } from 'zod';
// Not through ../head-office: that entry re-exports bundles and intake, which a tablet's code must not carry.
import { auditFactSchema } from '../compare/audit-fact';
import { filterText, headOfficeFilterSchema } from './head-office-filter';

export { headOfficeFilterSchema };

export const rankingQuerySchema = headOfficeFilterSchema.extend({
  bottomN: z.coerce.number({ error: 'bottomN 须为 0–100 的整数' }).int('bottomN 须为 0–100 的整数').min(0).max(100).default(5),
});
export const trendQuerySchema = headOfficeFilterSchema.extend({ site: filterText().min(1, '请指定单位 (site: a site key)') });
export const drillDownQuerySchema = trendQuerySchema.extend({ item: filterText().min(1, '请指定考核项 (item: an item id)') });
export const csvQuerySchema = headOfficeFilterSchema.extend({
  /** The IANA zone 考核时间 is written in (the cells cannot say it; the header does). */
  tz: filterText().default('Asia/Shanghai'),
});

export const siteRankingSchema = z.strictObject({
  siteKey: z.string(),
  siteName: z.string(),
  region: z.string().optional(),
  count: z.number().int(),
  latestPercentTenths: z.number().int().nullable(),
  latestAuditedAt: z.string(),
  averagePercentTenths: z.number().int().nullable(),
  previousAveragePercentTenths: z.number().int().nullable(),
  changeTenths: z.number().int().nullable(),
  isBottom: z.boolean(),
});
export const rankingSchema = z.strictObject({ ranking: z.array(siteRankingSchema) });

export const trendSchema = z.strictObject({
  points: z.array(z.strictObject({ auditId: z.string(), auditedAt: z.string(), percentTenths: z.number().int().nullable() })),
});

export const heatMapSchema = z.strictObject({
  items: z.array(z.strictObject({ id: z.string(), label: z.string(), title: z.string() })),
  sites: z.array(z.strictObject({ siteKey: z.string(), siteName: z.string() })),
  cells: z.array(
    z.strictObject({
      siteKey: z.string(),
      itemId: z.string(),
      /** Share of applicable points lost, tenths of a percent; null when every audit had it 不适用. */
      lostTenths: z.number().int().nullable(),
      lostH: z.number().int(),
      possibleH: z.number().int(),
      audits: z.number().int(),
    }),
  ),
  rubricVersions: z.number().int(),
  droppedItemIds: z.array(z.string()),
});

export const drillDownSchema = z.strictObject({
  audits: z.array(
    z.strictObject({
      auditId: z.string(),
      auditedAt: z.string(),
      auditor: z.string(),
      rubricFingerprint: z.string(),
      earnedH: z.number().int(),
      possibleH: z.number().int(),
      units: auditFactSchema.shape.units,
    }),
  ),
});

export const filterOptionsQuerySchema = z.strictObject({
  rubricId: filterText().trim().min(1, 'rubricId 不能为空 (leave it out for the preferred rubric)').optional(),
});

/** What the dashboard's filters offer: every rubric with audits, and for one of them its regions, sites and auditors. */
export const filterOptionsSchema = z.strictObject({
  /** Rubric ids in natural order with how many audits (latest revisions) each has. */
  rubrics: z.array(z.strictObject({ rubricId: z.string(), audits: z.number().int() })),
  /** The rubric the lists are for: the one asked for when it has audits, else the one with the most; null when there are none. */
  rubricId: z.string().nullable(),
  regions: z.array(z.string()),
  /** Each site under its most recent name. */
  sites: z.array(z.strictObject({ siteKey: z.string(), siteName: z.string() })),
  auditors: z.array(z.string()),
  /** The newest 考核时间 of the rubric's audits as the tablet wrote it: where the period presets are anchored. */
  newest: z.string().nullable(),
});
export type FilterOptionsAnswer = z.infer<typeof filterOptionsSchema>;
