import { z } from 'zod';
import { auditModeSchema, siteSchema } from '../../../domain/index';

const errorKeys = [
  'newAudit.errors.rubricRequired',
  'newAudit.errors.siteRequired',
  'newAudit.errors.auditorRequired',
  'newAudit.errors.dateRequired',
] as const;
export type FormErrorKey = (typeof errorKeys)[number];
export const isFormErrorKey = (key: string): key is FormErrorKey => errorKeys.some((k) => k === key);

/** The new-audit form; messages are i18n keys, translated where they are shown. */
export const newAuditFormSchema = z
  .object({
    rubricId: z.string().min(1, 'newAudit.errors.rubricRequired'),
    siteChoice: z.string(),
    siteName: z.string(),
    siteCode: siteSchema.shape.code,
    siteRegion: siteSchema.shape.region,
    auditor: z.string().trim().min(1, 'newAudit.errors.auditorRequired').max(200),
    auditedAt: z.string().min(1, 'newAudit.errors.dateRequired'),
    mode: auditModeSchema,
  })
  .superRefine((value, ctx) => {
    if (value.siteChoice === 'new' && value.siteName.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['siteName'], message: 'newAudit.errors.siteRequired' });
    }
    if (value.siteChoice === '')
      ctx.addIssue({ code: 'custom', path: ['siteChoice'], message: 'newAudit.errors.siteRequired' });
    if (Number.isNaN(new Date(value.auditedAt).getTime())) {
      ctx.addIssue({ code: 'custom', path: ['auditedAt'], message: 'newAudit.errors.dateRequired' });
    }
  });
export type NewAuditForm = z.infer<typeof newAuditFormSchema>;
