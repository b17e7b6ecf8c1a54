import { z } from 'zod';
import { plainText } from '../bounds/plain-text';

/** What an admin sets for a site (PUT /api/sites/{code}, `ducha server sites set`). */
export const siteInputSchema = z.strictObject({
  name: plainText().trim().min(1, '请填写管理处名称 (name is required)').max(200),
  region: plainText().trim().max(100).default(''),
  manager: plainText().trim().min(1).max(100).nullable().default(null),
  active: z.boolean().default(true),
});
export type SiteInput = z.input<typeof siteInputSchema>;

/** A code as the tablet's siteKeyOf reads it: trimmed and upper case. */
export const siteCodeSchema = plainText()
  .trim()
  .min(1, '请填写管理处编码 (code is required)')
  .max(50, '管理处编码最长 50 个字符 (code is at most 50 characters)')
  .transform((code) => code.toUpperCase());

/** A site an auditor added on the tablet while offline; the id is the tablet's, so a resend is harmless. */
export const siteProposalInputSchema = z.strictObject({
  id: z.uuid('提议编号必须是 UUID (id must be a UUID)'),
  name: plainText().trim().min(1, '请填写管理处名称 (name is required)').max(200),
  region: plainText().trim().max(100).default(''),
  code: plainText().trim().max(50).optional(),
});

export const proposalDecisionSchema = z.discriminatedUnion('decision', [
  /** A new site: the proposal's name and region unless given here; a code is required (the proposal's if it has one). */
  z.strictObject({
    decision: z.literal('accept'),
    code: siteCodeSchema.optional(),
    name: plainText().trim().min(1).max(200).optional(),
    region: plainText().trim().max(100).optional(),
    manager: plainText().trim().min(1).max(100).nullable().optional(),
  }),
  /** The same place as a site already here, under another name. */
  z.strictObject({ decision: z.literal('merge'), into: siteCodeSchema }),
]);

