import { z } from 'zod';

// Apart from run-intake.ts so the API's wire schemas (which a tablet imports) name these without carrying the
// bundle checks and intake rule along.

export const holdReasonSchema = z.enum(['unknown-key', 'unknown-rubric', 'missing-predecessor']);

export const storedRevisionSchema = z.strictObject({
  auditId: z.string(),
  lineageId: z.string(),
  revision: z.number().int().min(1),
  hash: z.string(),
  signer: z.string(),
});
