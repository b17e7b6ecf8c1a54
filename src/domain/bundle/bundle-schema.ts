import { z } from 'zod';
import { sealedAuditFileSchema } from '../seal/audit-export';

export const BUNDLE_FORMAT_VERSION = 1;

/**
 * A `.ducha` bundle: JSON holding sealed audits, each with its envelope (audit, rubric, score, image
 * hashes, signature) and the image files themselves, base64url. This is the documented shape.
 */
export const bundleSchema = z.strictObject({
  format: z.literal('ducha.bundle'),
  version: z.literal(BUNDLE_FORMAT_VERSION),
  createdAt: z.iso.datetime({ offset: true }),
  audits: z.array(sealedAuditFileSchema),
});
export type Bundle = z.infer<typeof bundleSchema>;

/** Reading is looser at the entry level: each audit is judged on its own, so one bad audit refuses only itself. */
export const bundleShellSchema = bundleSchema.extend({ audits: z.array(z.unknown()) });
