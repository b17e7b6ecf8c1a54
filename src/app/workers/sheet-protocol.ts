import { z } from 'zod';
import { sealedEnvelopeSchema } from '../../domain/index';

const common = {
  id: z.number().int().nonnegative(),
  timeZone: z.string().min(1).max(100),
  proceed: z.boolean(),
};

/**
 * What the page posts to the sheet worker: which audit of this device (by id) or a sealed audit fetched from
 * the server (its envelope, already verified on the page, and the image bytes it names), in which zone, and
 * whether □ was accepted.
 */
export const sheetRequestSchema = z.union([
  z.strictObject({ ...common, auditId: z.string().min(1).max(100) }),
  z.strictObject({
    ...common,
    sealed: z.strictObject({
      envelope: sealedEnvelopeSchema,
      images: z.array(z.tuple([z.string(), z.instanceof(Uint8Array)])),
    }),
  }),
]);
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
