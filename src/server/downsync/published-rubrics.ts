import type { Kysely } from 'kysely';
import { ok, parseRubric, rubricFingerprint, type Result, type Rubric } from '../../domain/head-office';
import type { Database } from '../db/tables';
import { acceptRubric } from '../intake/key-register-store';
import { nextChangeSeq } from './change-seq';

export interface PublishedRubric {
  readonly fingerprint: string;
  readonly rubricId: string;
  readonly title: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
  readonly changeSeq: number;
}

export interface PublishOutcome {
  readonly status: 'published' | 'unchanged';
  readonly rubric: PublishedRubric;
}

type PublishedRow = {
  fingerprint: string;
  rubric_id: string;
  title: string;
  published_at: Date;
  published_by: string;
  change_seq: number;
};

export const publishedRubricOf = (row: PublishedRow): PublishedRubric => ({
  fingerprint: row.fingerprint,
  rubricId: row.rubric_id,
  title: row.title,
  publishedAt: row.published_at.toISOString(),
  publishedBy: row.published_by,
  changeSeq: row.change_seq,
});

const columns = ['fingerprint', 'rubric_id', 'title', 'published_at', 'published_by', 'change_seq'] as const;

/**
 * Publishes a rubric version for tablets: checked with the same parser the app and `ducha validate` use,
 * and accepted for intake at once (audits sealed on it are compared, not held as an unknown rubric).
 * Publishing the same content again changes nothing. Older versions stay published: tablets keep them
 * for the audits begun on them.
 */
export async function publishRubric(
  db: Kysely<Database>,
  input: unknown,
  by: string,
  at: string,
): Promise<Result<PublishOutcome>> {
  const parsed = parseRubric(input);
  if (!parsed.ok) return parsed;
  const rubric: Rubric = parsed.value;
  const fingerprint = rubricFingerprint(rubric);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('published_rubrics').select(columns).where('fingerprint', '=', fingerprint).executeTakeFirst();
    if (existing) return ok({ status: 'unchanged', rubric: publishedRubricOf(existing) });
    const changeSeq = await nextChangeSeq(trx);
    const row = await trx
      .insertInto('published_rubrics')
      .values({
        fingerprint,
        rubric_id: rubric.id,
        title: rubric.title,
        rubric: JSON.stringify(rubric),
        published_at: at,
        published_by: by,
        change_seq: changeSeq,
      })
      .returning(columns)
      .executeTakeFirstOrThrow();
    await acceptRubric(trx, fingerprint, rubric.id, at);
    return ok({ status: 'published', rubric: publishedRubricOf(row) });
  });
}

/** Published versions, oldest first; with `since`, only those published after that feed position. */
export async function publishedRubrics(db: Kysely<Database>, since = 0): Promise<PublishedRubric[]> {
  const rows = await db.selectFrom('published_rubrics').select(columns).where('change_seq', '>', since).orderBy('change_seq').execute();
  return rows.map(publishedRubricOf);
}

/** One published version's document, as published; undefined when it is not published here. */
export async function publishedRubricDocument(db: Kysely<Database>, fingerprint: string): Promise<unknown> {
  const row = await db.selectFrom('published_rubrics').select('rubric').where('fingerprint', '=', fingerprint).executeTakeFirst();
  return row?.rubric;
}
