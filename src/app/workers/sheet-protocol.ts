import { z } from 'zod';

/** What the page posts to the sheet worker: which audit, in which zone, and whether □ was accepted. */
export const sheetRequestSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  auditId: z.string().min(1).max(100),
  timeZone: z.string().min(1).max(100),
  proceed: z.boolean(),
});
export type SheetWorkerRequest = z.infer<typeof sheetRequestSchema>;

/** What the worker posts back, for the request with the same id. */
export const sheetResponseSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    id: z.number().int().nonnegative(),
    outcome: z.literal('sheet'),
    bytes: z.instanceof(Uint8Array),
    form: z.string(),
    hasFullerFont: z.boolean(),
  }),
  z.strictObject({
    id: z.number().int().nonnegative(),
    outcome: z.literal('missing'),
    missing: z.array(z.string()),
    hasFullerFont: z.boolean(),
  }),
  z.strictObject({
    id: z.number().int().nonnegative(),
    outcome: z.literal('failed'),
    message: z.string(),
    /** A file the sheet needs (code or font) is not on this device and the server cannot be reached. */
    isNotOnDevice: z.boolean(),
  }),
]);
export type SheetWorkerResponse = z.infer<typeof sheetResponseSchema>;
