import { z } from 'zod';
import { auditModeSchema } from '../../../domain/index';

const errorKeys = [
  'newAudit.errors.rubricRequired',
  'newAudit.errors.siteRequired',
  'newAudit.errors.auditorRequired',
  'newAudit.errors.dateRequired',
  'newAudit.errors.siteNameTooLong',
  'newAudit.errors.siteCodeTooLong',
  'newAudit.errors.siteRegionTooLong',
  'newAudit.errors.auditorTooLong',
] as const;

/** The limits of the site and auditor fields (the audit schema's), shown beside them and checked before writing. */
export const limits = { siteName: 200, siteCode: 50, siteRegion: 100, auditor: 200 } as const;
export type FormErrorKey = (typeof errorKeys)[number];
export const isFormErrorKey = (key: string): key is FormErrorKey => errorKeys.some((k) => k === key);

/** The new-audit form; messages are i18n keys, translated where they are shown. */
export const newAuditFormSchema = z
  .object({
    rubricId: z.string().min(1, 'newAudit.errors.rubricRequired'),
    siteChoice: z.string(),
    siteName: z.string(),
    siteCode: z.string().trim().max(limits.siteCode, 'newAudit.errors.siteCodeTooLong').optional(),
    siteRegion: z.string().trim().max(limits.siteRegion, 'newAudit.errors.siteRegionTooLong').optional(),
    auditor: z
      .string()
      .trim()
      .min(1, 'newAudit.errors.auditorRequired')
      .max(limits.auditor, 'newAudit.errors.auditorTooLong'),
    auditedAt: z.string().min(1, 'newAudit.errors.dateRequired'),
    mode: auditModeSchema,
  })
  .superRefine((value, ctx) => {
    if (value.siteChoice === 'new' && value.siteName.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['siteName'], message: 'newAudit.errors.siteRequired' });
    }
    if (value.siteChoice === 'new' && value.siteName.trim().length > limits.siteName) {
      ctx.addIssue({ code: 'custom', path: ['siteName'], message: 'newAudit.errors.siteNameTooLong' });
    }
    if (value.siteChoice === '')
      ctx.addIssue({ code: 'custom', path: ['siteChoice'], message: 'newAudit.errors.siteRequired' });
    if (Number.isNaN(new Date(value.auditedAt).getTime())) {
      ctx.addIssue({ code: 'custom', path: ['auditedAt'], message: 'newAudit.errors.dateRequired' });
    }
  });
export type NewAuditForm = z.infer<typeof newAuditFormSchema>;
