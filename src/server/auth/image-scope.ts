import type { Kysely } from 'kysely';
import type { Database } from '../db/tables';
import type { Principal } from './roles';

/**
 * Records that this user sent these image bytes (PUT /api/images, or inside a bundle): they may read them back.
 * Says whether this user had not sent them before (never whether anyone else had).
 */
export async function recordImageUpload(db: Kysely<Database>, userId: number, imageSha256: string, at = new Date()): Promise<boolean> {
  const inserted = await db
    .insertInto('image_uploads')
    .values({ image_sha256: imageSha256, user_id: userId, uploaded_at: at.toISOString() })
    .onConflict((oc) => oc.doNothing())
    .returning('user_id')
    .execute();
  return inserted.length > 0;
}

/**
 * Of the images an envelope of this lineage names, those its sender may name: the ones they sent themselves,
 * and those an accepted revision of the same lineage sealed by their own keys already names (a correction keeps
 * its photos). Naming an image grants reading it, so a hash alone must never do. Admins read every image
 * already: naming one gives them nothing, and they forward audits whose images their tablets sent.
 */
export async function namableImages(
  db: Kysely<Database>,
  principal: Principal,
  lineageId: string,
  imageSha256s: readonly string[],
): Promise<ReadonlySet<string>> {
  const wanted = [...new Set(imageSha256s)];
  if (principal.role === 'admin' || wanted.length === 0) return new Set(wanted);
  const sent = await db
    .selectFrom('image_uploads')
    .select('image_sha256')
    .where('user_id', '=', principal.userId)
    .where('image_sha256', 'in', wanted)
    .execute();
  const ownKeys = db.selectFrom('device_keys').select('key_id').where('user_id', '=', principal.userId);
  const inLineage = await db
    .selectFrom('envelope_images as ei')
    .innerJoin('accepted_revisions as a', 'a.envelope_sha256', 'ei.envelope_sha256')
    .select('ei.image_sha256')
    .where('a.lineage_id', '=', lineageId)
    .where('a.signer', 'in', ownKeys)
    .where('ei.image_sha256', 'in', wanted)
    .execute();
  return new Set([...sent, ...inLineage].map((r) => r.image_sha256));
}

/**
 * Whether a signed-in user may read one stored image, by the same rule as the audits (mayReadAudit): admins
 * every one; an auditor those they uploaded and those named by an audit (accepted or held) sealed by a key
 * enrolled to them; a site manager those named by accepted audits of their sites. Knowing a hash is not
 * enough: photos show people and premises.
 */
export async function mayReadImage(db: Kysely<Database>, principal: Principal, imageSha256: string): Promise<boolean> {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'auditor': {
      const uploaded = await db
        .selectFrom('image_uploads')
        .select('user_id')
        .where('image_sha256', '=', imageSha256)
        .where('user_id', '=', principal.userId)
        .executeTakeFirst();
      if (uploaded) return true;
      const ownKeys = db.selectFrom('device_keys').select('key_id').where('user_id', '=', principal.userId);
      const named = await db
        .selectFrom('envelope_images as ei')
        .select('ei.envelope_sha256')
        .where('ei.image_sha256', '=', imageSha256)
        .where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('accepted_revisions as a')
                .select('a.audit_id')
                .whereRef('a.envelope_sha256', '=', 'ei.envelope_sha256')
                .where('a.signer', 'in', ownKeys),
            ),
            eb.exists(
              eb
                .selectFrom('held_entries as h')
                .select('h.audit_id')
                .whereRef('h.envelope_sha256', '=', 'ei.envelope_sha256')
                .where('h.signer', 'in', ownKeys),
            ),
          ]),
        )
        .executeTakeFirst();
      return named !== undefined;
    }
    case 'site-manager': {
      if (principal.siteKeys.length === 0) return false;
      const named = await db
        .selectFrom('envelope_images as ei')
        .innerJoin('accepted_revisions as a', 'a.envelope_sha256', 'ei.envelope_sha256')
        .select('a.audit_id')
        .where('ei.image_sha256', '=', imageSha256)
        .where('a.site_key', 'in', [...principal.siteKeys])
        .executeTakeFirst();
      return named !== undefined;
    }
  }
}
