import {
  answerSchema,
  findNode,
  gradeIssues,
  type Answer,
  type AuditHeader,
  type CallTiming,
  type Grade,
  type Rubric,
} from '../domain/index';
import { StorageError } from './storage-error';
import { type StoreContext, draftHeader, parseAnswers, run } from './store-context';

/** Runs a change to a draft inside one transaction; refuses finalised (locked) audits. */
export async function changeDraft<T>(
  ctx: StoreContext,
  auditId: string,
  work: (header: AuditHeader) => Promise<T>,
): Promise<T> {
  return run(() =>
    ctx.db.transaction('rw', [ctx.db.audits, ctx.db.answers, ctx.db.blobs, ctx.db.rubrics], async () => {
      const header = draftHeader(auditId, await ctx.db.audits.get(auditId));
      const result = await work(header);
      await ctx.db.audits.update(auditId, { updatedAt: ctx.now() });
      return result;
    }),
  );
}

export async function assertUnit(ctx: StoreContext, header: AuditHeader, unitId: string): Promise<Rubric> {
  const rubric = await ctx.getRubric(header.rubricFingerprint);
  const node = findNode(rubric, unitId);
  if (node === undefined || node.children !== undefined) {
    throw new StorageError('invalid', `"${unitId}" is not a graded unit of ${rubric.id}`);
  }
  return rubric;
}

export async function updateAnswer(
  ctx: StoreContext,
  auditId: string,
  unitId: string,
  change: (current: Answer) => Answer,
  alsoWrite?: () => Promise<unknown>,
): Promise<Answer> {
  // A tap waits for this transaction: its reads go out together, and so do its writes (IndexedDB keeps
  // them in order; a refusal anywhere aborts all of it, updatedAt included).
  const saved = await run(() =>
    ctx.db.transaction('rw', [ctx.db.audits, ctx.db.answers, ctx.db.blobs, ctx.db.rubrics], async () => {
      const [row, existing] = await Promise.all([ctx.db.audits.get(auditId), ctx.db.answers.get([auditId, unitId])]);
      const header = draftHeader(auditId, row);
      const rubric = await assertUnit(ctx, header, unitId);
      await alsoWrite?.();
      const blank: Answer = { unitId, note: '', photoIds: [], updatedAt: ctx.now() };
      const current = existing ? (parseAnswers([existing])[0] ?? blank) : blank;
      const next = answerSchema.safeParse({ ...change(current), unitId, updatedAt: ctx.now() });
      if (!next.success)
        throw new StorageError('invalid', `answer ${unitId}: ${next.error.issues.map((i) => i.message).join('; ')}`);
      // What the unit's kind refuses (a grade on a metric, a rate above 100 %) is never stored: sealing would refuse it.
      const refused = gradeIssues(rubric, [next.data], 'answer');
      if (refused.length > 0)
        throw new StorageError('invalid', `answer ${unitId}: ${refused.map((i) => i.message).join('; ')}`);
      await Promise.all([
        ctx.db.answers.put({ ...next.data, auditId }),
        ctx.db.audits.update(auditId, { updatedAt: ctx.now() }),
      ]);
      return next.data;
    }),
  );
  for (const listener of [...ctx.answerListeners]) {
    try {
      listener(auditId, saved);
    } catch (error) {
      // The answer is stored: a listener's bug must not make the write look failed (and be retried).
      setTimeout(() => {
        throw error;
      });
    }
  }
  return saved;
}

/** Sets or clears (undefined) one unit's grade. */
export async function saveGrade(
  ctx: StoreContext,
  auditId: string,
  unitId: string,
  grade: Grade | undefined,
): Promise<Answer> {
  return updateAnswer(ctx, auditId, unitId, ({ grade: _old, ...rest }) =>
    grade === undefined ? rest : { ...rest, grade },
  );
}

/** Sets or clears (undefined) a metric unit's figure for the month. */
export async function saveFigure(
  ctx: StoreContext,
  auditId: string,
  unitId: string,
  figure: number | undefined,
): Promise<Answer> {
  return updateAnswer(ctx, auditId, unitId, ({ figure: _old, ...rest }) =>
    figure === undefined ? rest : { ...rest, figure },
  );
}

/** Sets or clears (undefined) the call timing of a timed unit (KF01 3): evidence beside the grade, never the grade. */
export async function saveTiming(
  ctx: StoreContext,
  auditId: string,
  unitId: string,
  timing: CallTiming | undefined,
): Promise<Answer> {
  return updateAnswer(ctx, auditId, unitId, ({ timing: _old, ...rest }) =>
    timing === undefined ? rest : { ...rest, timing },
  );
}

export async function saveNote(
  ctx: StoreContext,
  auditId: string,
  unitId: string,
  note: string,
): Promise<Answer> {
  return updateAnswer(ctx, auditId, unitId, (current) => ({ ...current, note }));
}

export async function addPhoto(
  ctx: StoreContext,
  auditId: string,
  unitId: string,
  blob: Blob,
): Promise<string> {
  const id = ctx.newId();
  // The blob and the reference are written in one transaction: an answer never points at a missing photo.
  await updateAnswer(
    ctx,
    auditId,
    unitId,
    (current) => ({ ...current, photoIds: [...current.photoIds, id] }),
    () =>
      ctx.db.blobs.put({
        id,
        auditId,
        unitId,
        kind: 'photo',
        blob,
        type: blob.type,
        size: blob.size,
        createdAt: ctx.now(),
      }),
  );
  return id;
}

/** Removes the reference and, in the same transaction, the photo file when this revision added it. */
export async function removePhoto(
  ctx: StoreContext,
  auditId: string,
  unitId: string,
  photoId: string,
): Promise<void> {
  await updateAnswer(
    ctx,
    auditId,
    unitId,
    (current) => ({ ...current, photoIds: current.photoIds.filter((p) => p !== photoId) }),
    () => deleteOwnBlob(ctx, auditId, photoId),
  );
}

/**
 * Deletes a blob this revision no longer references, inside the caller's transaction. A blob an earlier
 * revision made (a correction starts from its photos) belongs to that sealed revision and is kept.
 */
export async function deleteOwnBlob(
  ctx: StoreContext,
  auditId: string,
  blobId: string | undefined,
): Promise<void> {
  if (blobId === undefined) return;
  const row = await ctx.db.blobs.get(blobId);
  if (row?.auditId === auditId) await ctx.db.blobs.delete(blobId);
}

export async function getBlob(ctx: StoreContext, id: string): Promise<Blob | undefined> {
  const row = await run(() => ctx.db.blobs.get(id));
  return row?.blob;
}
