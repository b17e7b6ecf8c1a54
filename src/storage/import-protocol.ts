import { z } from 'zod';
import { bundleProblemSchema, intakeReportSchema, unusedEntrySchema } from '../domain/head-office';

/** What the dashboard posts to the import worker: the picked file itself (a Blob reads in slices there too). */
export const importRequestSchema = z.strictObject({ file: z.instanceof(Blob), name: z.string() });
export type ImportRequest = z.infer<typeof importRequestSchema>;

/** What the worker posts back: the intake report, the bundle's whole-file refusal, or why it failed. */
export const importResponseSchema = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('report'), report: intakeReportSchema.extend({ unusedEntries: z.array(unusedEntrySchema) }) }),
  z.strictObject({
    outcome: z.literal('refused'),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string(), problem: bundleProblemSchema })),
  }),
  z.strictObject({ outcome: z.literal('failed'), message: z.string() }),
]);
export type ImportResponse = z.infer<typeof importResponseSchema>;
