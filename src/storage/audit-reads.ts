import {
  answersOf,
  scoreAudit,
  type Answer,
  type AuditHeader,
  type Rubric,
  type ScoreResult,
} from '../domain/index';
import type { AnswerRow } from './db';
import { StorageError } from './storage-error';
import { type StoreContext, parseAnswers, parseHeader, run } from './store-context';

/** An audit as read from storage, before scoring. */
export interface AuditRead {
  readonly header: AuditHeader;
  readonly answers: readonly Answer[];
  readonly rubric: Rubric;
}

export interface StoredAudit extends AuditRead {
  readonly score: ScoreResult;
}

export interface AuditListEntry {
  /** The latest revision. */
  readonly header: AuditHeader;
  readonly score: ScoreResult;
  /** Every revision of this audit, newest first (the first entry is `header`). */
  readonly history: readonly AuditHeader[];
}

/** Every finalised revision (not only the latest) that has not been exported or sent. */
export const unexportedRevisions = (entries: readonly AuditListEntry[]): AuditHeader[] =>
  entries.flatMap((e) => e.history.filter((h) => h.status === 'finalised' && h.exportedAt === undefined));

export async function requireHeader(ctx: StoreContext, auditId: string): Promise<AuditHeader> {
  const header = await getHeader(ctx, auditId);
  if (header === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
  return header;
}

export async function getHeader(ctx: StoreContext, id: string): Promise<AuditHeader | undefined> {
  const row = await run(() => ctx.db.audits.get(id));
  return row === undefined ? undefined : parseHeader(row);
}

export async function getAudit(ctx: StoreContext, id: string): Promise<StoredAudit | undefined> {
  const read = await readAudit(ctx, id);
  return read && { ...read, score: scoreAudit(read.rubric, answersOf(read.answers)) };
}

/** The audit's header, answers and rubric, unscored (a caller that keeps a score up to date itself). */
export async function readAudit(ctx: StoreContext, id: string): Promise<AuditRead | undefined> {
  const [row, answerRows] = await run(() =>
    ctx.db.transaction('r', [ctx.db.audits, ctx.db.answers], () =>
      Promise.all([ctx.db.audits.get(id), ctx.db.answers.where('auditId').equals(id).toArray()]),
    ),
  );
  if (row === undefined) return undefined;
  const header = parseHeader(row);
  const answers = parseAnswers(answerRows);
  const rubric = await ctx.getRubric(header.rubricFingerprint);
  return { header, answers, rubric };
}

/** Latest revision of every audit, newest first, with its running score and its revision history. */
export async function listAudits(ctx: StoreContext): Promise<AuditListEntry[]> {
  const [headerRows, answerRows] = await run(() =>
    ctx.db.transaction('r', [ctx.db.audits, ctx.db.answers], () =>
      Promise.all([ctx.db.audits.toArray(), ctx.db.answers.toArray()]),
    ),
  );
  const answersByAudit = new Map<string, AnswerRow[]>();
  for (const row of answerRows)
    answersByAudit.set(row.auditId, [...(answersByAudit.get(row.auditId) ?? []), row]);
  const lineages = new Map<string, AuditHeader[]>();
  for (const row of headerRows) {
    const header = parseHeader(row);
    lineages.set(header.lineageId, [...(lineages.get(header.lineageId) ?? []), header]);
  }
  const entries: AuditListEntry[] = [];
  for (const revisions of lineages.values()) {
    const history = [...revisions].sort((a, b) => b.revision - a.revision);
    const latest = history[0];
    if (latest === undefined) continue;
    const rubric = await ctx.getRubric(latest.rubricFingerprint);
    const answers = parseAnswers(answersByAudit.get(latest.id) ?? []);
    entries.push({ header: latest, history, score: scoreAudit(rubric, answersOf(answers)) });
  }
  return entries.sort(
    (a, b) =>
      b.header.auditedAt.localeCompare(a.header.auditedAt) ||
      b.header.updatedAt.localeCompare(a.header.updatedAt),
  );
}

/** Finalised revisions that have not yet left the device (a corrected revision 1 still counts). */
export async function countUnexported(ctx: StoreContext): Promise<number> {
  return unexportedRevisions(await listAudits(ctx)).length;
}

/**
 * Records that these finalised revisions left the device. Call it only once the file was handed over
 * (the download started, the share sheet or file picker resolved), never when it was merely made.
 */
export async function markExported(ctx: StoreContext, ids: readonly string[]): Promise<void> {
  const at = ctx.now();
  await run(() =>
    ctx.db.transaction('rw', ctx.db.audits, async () => {
      for (const id of ids) {
        const row = await ctx.db.audits.get(id);
        if (row !== undefined && parseHeader(row).status === 'finalised')
          await ctx.db.audits.update(id, { exportedAt: at });
      }
    }),
  );
}
