import { strokesSchema, type AuditHeader, type Signature, type SignerRole } from '../domain/index';
import { changeDraft, deleteOwnBlob } from './draft-answers';
import { StorageError } from './storage-error';
import type { StoreContext } from './store-context';

/** The signer name's limit (the schema's and the input's). */
export const SIGNER_NAME_MAX = 200;

/** The confirmed signature image a change is about to replace or un-confirm, deleted with that change. */
export async function dropSignatureImage(
  ctx: StoreContext,
  header: AuditHeader,
  role: SignerRole,
): Promise<void> {
  await deleteOwnBlob(ctx, header.id, header.signatures[role]?.imageId);
}

/** Keeps the signer's name and strokes as they write; any change un-confirms the signature. */
export async function saveSignatureDraft(
  ctx: StoreContext,
  auditId: string,
  role: SignerRole,
  draft: { name: string; strokes: unknown },
): Promise<void> {
  const strokes = strokesSchema.safeParse(draft.strokes);
  if (!strokes.success) throw new StorageError('invalid', 'signature strokes are malformed');
  if (draft.name.length > SIGNER_NAME_MAX)
    throw new StorageError('invalid', `the signer name is longer than ${SIGNER_NAME_MAX} characters`);
  await changeDraft(ctx, auditId, async (header) => {
    const signature: Signature = { name: draft.name, strokes: strokes.data };
    await dropSignatureImage(ctx, header, role);
    await ctx.db.audits.update(auditId, { [`signatures.${role}`]: signature });
  });
}

export async function clearSignature(ctx: StoreContext, auditId: string, role: SignerRole): Promise<void> {
  await changeDraft(ctx, auditId, async (header) => {
    await dropSignatureImage(ctx, header, role);
    await ctx.db.audits.update(auditId, { [`signatures.${role}`]: undefined });
  });
}

/** Confirms a signature: an empty pad or an empty name is refused; the image is stored as a blob. */
export async function confirmSignature(
  ctx: StoreContext,
  auditId: string,
  role: SignerRole,
  input: { name: string; strokes: unknown; image: Blob },
): Promise<Signature> {
  const strokes = strokesSchema.safeParse(input.strokes);
  if (!strokes.success || strokes.data.length === 0)
    throw new StorageError('invalid', 'the signature pad is empty');
  const name = input.name.trim();
  if (name === '') throw new StorageError('invalid', 'the signer name is empty');
  if (name.length > SIGNER_NAME_MAX)
    throw new StorageError('invalid', `the signer name is longer than ${SIGNER_NAME_MAX} characters`);
  return changeDraft(ctx, auditId, async (header) => {
    await dropSignatureImage(ctx, header, role);
    const imageId = ctx.newId();
    const signedAt = ctx.now();
    await ctx.db.blobs.put({
      id: imageId,
      auditId,
      kind: 'signature',
      blob: input.image,
      type: input.image.type,
      size: input.image.size,
      createdAt: signedAt,
    });
    const signature: Signature = { name, strokes: strokes.data, imageId, signedAt };
    await ctx.db.audits.update(auditId, { [`signatures.${role}`]: signature });
    return signature;
  });
}
