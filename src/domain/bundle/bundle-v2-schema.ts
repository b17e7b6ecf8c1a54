import { z } from 'zod';

/**
 * Bundle format v2: a zip holding
 * - `manifest.json`: this schema;
 * - `rubrics/<hex>.json`: each rubric once, named by the hex of its fingerprint (`sha256:<hex>`);
 * - `audits/<auditId>.json`: one sealed envelope each, its payload *without* the rubric (see bundleAuditEntrySchema);
 * - `images/<sha256>`: every photo and signature image once, raw bytes, named by their SHA-256. Their type is the
 *   one the seal records (and the bytes must be that type); the name says nothing about it.
 */
export const BUNDLE_V2_FORMAT_VERSION = 2;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');
const count = z.number().int().nonnegative();

export const bundleManifestSchema = z.strictObject({
  format: z.literal('ducha.bundle'),
  version: z.literal(BUNDLE_V2_FORMAT_VERSION),
  createdAt: z.iso.datetime({ offset: true }),
  /** Every envelope in the zip, in the order a reader reports them (`audits[i]`). */
  audits: z.array(z.strictObject({ path: z.string().min(1).max(300) })),
  counts: z.strictObject({ audits: count, rubrics: count, images: count }),
});
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

/**
 * `audits/<auditId>.json`: a sealed envelope whose payload leaves out `rubric` and names it instead by
 * `rubric` (the hex of `audit.rubricFingerprint`). The reader puts back, as `payload.rubric`, the object parsed
 * from `rubrics/<rubric>.json` and checks the seal over that reconstituted payload: the signature covers the
 * canonical payload *with* the rubric, so nothing is signed differently and a changed rubric file breaks the seal.
 * The payload itself is checked field by field by the seal's own schema once the rubric is back in.
 */
export const bundleAuditEntrySchema = z.strictObject({
  payload: z
    .record(z.string(), z.unknown())
    .refine((p) => !('rubric' in p), { message: 'the rubric is stored once in rubrics/, not inside the payload' })
    .describe(
      'The sealed payload exactly as in format 1 (bundle.schema.json: audits[].envelope.payload) without its "rubric" member; ' +
        'the reader puts back the rubric read from rubrics/<rubric>.json and checks the seal over the whole payload.',
    ),
  rubric: hex64.describe('Hex of the payload\'s audit.rubricFingerprint (sha256:<hex>): the file rubrics/<hex>.json'),
  hash: z.string(),
  signature: z.string(),
});
export type BundleAuditEntry = z.infer<typeof bundleAuditEntrySchema>;

/** What a reader needs from the payload before the seal is checked: which images to fetch. */
export const payloadImageRefsSchema = z.object({
  blobs: z.array(z.object({ id: z.string(), sha256: hex64 })),
});
