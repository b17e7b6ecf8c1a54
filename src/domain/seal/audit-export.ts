import { z } from 'zod';
import { sealedEnvelopeSchema } from './seal-schema';

/** An image file carried beside a seal: the bytes whose SHA-256 the seal holds. */
export const blobFileSchema = z.strictObject({
  id: z.string().min(1),
  type: z.string().min(1),
  base64url: z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url'),
});

/** A sealed audit with its image files: one entry of a bundle. */
export const sealedAuditFileSchema = z.strictObject({
  envelope: sealedEnvelopeSchema,
  blobs: z.array(blobFileSchema),
});
export type SealedAuditFile = z.infer<typeof sealedAuditFileSchema>;

/** One finalised audit as it leaves the device (`ducha pdf --audit`). */
export const auditExportSchema = sealedAuditFileSchema.extend({
  format: z.literal('ducha.audit-export'),
  version: z.literal(1),
});
export type AuditExport = z.infer<typeof auditExportSchema>;
