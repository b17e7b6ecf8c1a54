import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/tables';
import type { BlobStorage } from '../store/blob-storage';

export type BlobReader = Pick<BlobStorage, 'read'>;

/** Only what names the images: the envelope was verified whole when it was received. */
const imageRefsSchema = z.object({
  payload: z.object({ blobs: z.array(z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) })) }),
});

/** Lists the images one received envelope names (the same rows again are no-ops). */
export async function recordEnvelopeImages(
  trx: Transaction<Database>,
  envelopeSha256: string,
  imageSha256s: readonly string[],
): Promise<void> {
  const images = [...new Set(imageSha256s)];
  if (images.length === 0) return;
  await trx
    .insertInto('envelope_images')
    .values(images.map((image_sha256) => ({ envelope_sha256: envelopeSha256, image_sha256 })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Lists the images of every accepted and held audit from its envelope in the blob store: for audits stored
 * before the list existed (migration 4) and for a restored backup made before it. An envelope missing from
 * the blob store or unreadable is skipped, not fatal: reindex reports it as damaged, and meanwhile its images
 * are read by admins only (refusing is the safe side).
 */
export async function indexStoredEnvelopes(trx: Transaction<Database>, blobs: BlobReader): Promise<{ indexed: number; skipped: number }> {
  const accepted = await trx.selectFrom('accepted_revisions').select('envelope_sha256').execute();
  const held = await trx.selectFrom('held_entries').select('envelope_sha256').execute();
  let indexed = 0;
  let skipped = 0;
  for (const envelopeSha256 of new Set([...accepted, ...held].map((r) => r.envelope_sha256))) {
    const bytes = await blobs.read(envelopeSha256);
    let refs: z.infer<typeof imageRefsSchema> | undefined;
    try {
      refs = bytes ? imageRefsSchema.parse(JSON.parse(new TextDecoder().decode(bytes))) : undefined;
    } catch {
      refs = undefined;
    }
    if (!refs) {
      skipped++;
      continue;
    }
    await recordEnvelopeImages(
      trx,
      envelopeSha256,
      refs.payload.blobs.map((b) => b.sha256),
    );
    indexed++;
  }
  return { indexed, skipped };
}
