import { z } from 'zod';
import { sealedEnvelopeSchema } from './seal-schema';

/** One finalised audit as it leaves the device: its sealed envelope plus the image files it seals. */
export const auditExportSchema = z.strictObject({
  format: z.literal('ducha.audit-export'),
  version: z.literal(1),
  envelope: sealedEnvelopeSchema,
  blobs: z.array(
    z.strictObject({
      id: z.string().min(1),
      type: z.string().min(1),
      base64url: z.string().regex(/^[A-Za-z0-9_-]*$/),
    }),
  ),
});
export type AuditExport = z.infer<typeof auditExportSchema>;
