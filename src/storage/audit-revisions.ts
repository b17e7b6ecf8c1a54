import { amendAudit, formatIssue, type AuditHeader } from '../domain/index';
import { requireHeader } from './audit-reads';
import { StorageError } from './storage-error';
import { type StoreContext, run } from './store-context';

/**
 * Deletes a draft with its answers and the images it added, in one transaction. A finalised (sealed)
 * revision is never deleted; deleting a correction's draft leaves the revision it corrects as it was.
 */
export async function deleteDraft(ctx: StoreContext, auditId: string): Promise<void> {
  await run(() =>
    ctx.db.transaction('rw', [ctx.db.audits, ctx.db.answers, ctx.db.blobs, ctx.db.seals], async () => {
      const header = await requireHeader(ctx, auditId);
      if (header.status !== 'draft' || (await ctx.db.seals.get(auditId)) !== undefined)
        throw new StorageError('locked', `audit ${auditId} is finalised and can never be deleted`);
      await ctx.db.answers.where('auditId').equals(auditId).delete();
      await ctx.db.blobs.where('auditId').equals(auditId).delete();
      await ctx.db.audits.delete(auditId);
    }),
  );
}

/** The id of the revision that corrects this one, if there is one. */
export async function nextRevisionId(
  ctx: StoreContext,
  header: Pick<AuditHeader, 'lineageId' | 'revision'>,
): Promise<string | undefined> {
  const next = await run(() =>
    ctx.db.audits
      .where('[lineageId+revision]')
      .equals([header.lineageId, header.revision + 1])
      .first(),
  );
  return next?.id;
}

/** Starts revision n+1 of a finalised audit with its answers copied; revision n is left untouched. */
export async function amend(ctx: StoreContext, auditId: string, reason: string): Promise<AuditHeader> {
  return run(() =>
    ctx.db.transaction('rw', [ctx.db.audits, ctx.db.answers], async () => {
      const header = await requireHeader(ctx, auditId);
      const newer = await ctx.db.audits
        .where('[lineageId+revision]')
        .equals([header.lineageId, header.revision + 1])
        .first();
      if (newer !== undefined)
        throw new StorageError('invalid', `revision ${header.revision + 1} of this audit already exists`);
      const next = amendAudit(header, { id: ctx.newId(), now: ctx.now(), reason });
      if (!next.ok) throw new StorageError('invalid', next.issues.map(formatIssue).join('; '));
      const answers = await ctx.db.answers.where('auditId').equals(auditId).toArray();
      await ctx.db.audits.add(next.value);
      await ctx.db.answers.bulkAdd(answers.map((a) => ({ ...a, auditId: next.value.id })));
      return next.value;
    }),
  );
}
