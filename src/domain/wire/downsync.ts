import { z } from 'zod';
import { rubricSchema } from '../index';
import { plainText } from '../bounds/plain-text';
import { proposalDecisionSchema, siteInputSchema, siteProposalInputSchema } from './sites';

export { proposalDecisionSchema, siteInputSchema, siteProposalInputSchema };

const fingerprint = z.string().regex(/^sha256:[0-9a-f]{64}$/, '须为 sha256:<64 位十六进制> (must be sha256:<64 hex digits>)');

/** A feed position: what the previous answer's cursor said (0 or absent: from the start). */
export const sinceQuerySchema = z.strictObject({
  since: z.coerce
    .number({ error: 'since 须为非负整数 (since must be a whole number ≥ 0)' })
    .int('since 须为非负整数 (since must be a whole number ≥ 0)')
    .min(0, 'since 须为非负整数 (since must be a whole number ≥ 0)')
    // Feed positions are PostgreSQL integers.
    .max(2147483647, 'since 超出范围：请发送上次应答的 cursor (since is beyond any cursor)')
    .optional(),
});

export const siteCodeParamsSchema = z.strictObject({ code: plainText().trim().min(1).max(50) });
export const fingerprintParamsSchema = z.strictObject({ fingerprint });
export const proposalIdParamsSchema = z.strictObject({ id: z.uuid('须为提议编号 (a UUID)') });
export const proposalListQuerySchema = z.strictObject({ status: z.enum(['pending', 'all']).default('pending') });

export const siteSchema = z.strictObject({
  code: z.string(),
  /** The key the audits of this site are compared under: code:<code>. */
  siteKey: z.string(),
  name: z.string(),
  region: z.string(),
  manager: z.string().nullable(),
  active: z.boolean(),
  updatedAt: z.string(),
  changeSeq: z.number().int(),
});

export const publishedRubricSchema = z.strictObject({
  fingerprint,
  rubricId: z.string(),
  title: z.string(),
  publishedAt: z.string(),
  publishedBy: z.string(),
  changeSeq: z.number().int(),
});

export const siteProposalSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  code: z.string().nullable(),
  proposedBy: z.string(),
  proposedAt: z.string(),
  status: z.enum(['pending', 'accepted', 'merged']),
  siteCode: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  changeSeq: z.number().int(),
});

export const downSyncSchema = z.strictObject({
  cursor: z.number().int(),
  /** Rubric versions published after `since`, each with its document: new audits use the newest of an id. */
  rubrics: z.array(publishedRubricSchema.extend({ rubric: rubricSchema })),
  /** Sites created or changed after `since`; a retired site comes with active false. */
  sites: z.array(siteSchema),
  /** Decisions on this user's site proposals after `since`: re-map the offline site to siteCode. */
  proposals: z.array(siteProposalSchema),
  /**
   * The address people reach head office at, when it has one configured: sealed sheets name its 验证 page.
   * Absent: sheets name none. Sent with every answer, so the tablet's copy follows the server's setting.
   */
  publicUrl: z.string().max(200).optional(),
});

export const siteListSchema = z.strictObject({ cursor: z.number().int(), sites: z.array(siteSchema) });
export const rubricListSchema = z.strictObject({ cursor: z.number().int(), rubrics: z.array(publishedRubricSchema) });
export const publishReceiptSchema = z.strictObject({ status: z.enum(['published', 'unchanged']), rubric: publishedRubricSchema });
export const proposalReceiptSchema = z.strictObject({ status: z.enum(['recorded', 'unchanged']), proposal: siteProposalSchema });
export const proposalListSchema = z.strictObject({ proposals: z.array(siteProposalSchema) });
export const proposalDecisionReceiptSchema = z.strictObject({ proposal: siteProposalSchema, site: siteSchema });

/** The kinds of zip entry a bundle receipt reports as used by no audit. */
export const unusedEntryCodeSchema = z.enum(['notListed', 'unusedEntry', 'stranger', 'unsafeName']);
export type UnusedEntryCode = z.infer<typeof unusedEntryCodeSchema>;

/** What became of each audit in an uploaded bundle. */
export const bundleReceiptSchema = z.strictObject({
  audits: z.array(
    z.strictObject({
      index: z.number().int(),
      auditId: z.string().optional(),
      status: z.enum(['stored', 'unchanged', 'held', 'conflict', 'refused']),
      message: z.string().optional(),
    }),
  ),
  /**
   * Zip entries no listed audit uses (an envelope the manifest does not list, a rubric or image no audit names, a
   * stranger, an unsafe name): none was read as an audit or stored. A bundle as Ducha writes it has none.
   */
  unusedEntries: z.array(
    z.strictObject({
      entry: z.string(),
      problem: unusedEntryCodeSchema,
      message: z.string(),
    }),
  ),
});
