import { answerSchema, auditHeaderSchema, type Answer, type AuditHeader, type Rubric } from '../domain/index';
import type { AnswerRow, DuchaDb } from './db';
import { StorageError, toStorageError } from './storage-error';

/** What every part of the audit store shares: the database, the clock, new ids and the parsed-rubric cache. */
export interface StoreContext {
  readonly db: DuchaDb;
  readonly now: () => string;
  readonly newId: () => string;
  getRubric(fingerprint: string): Promise<Rubric>;
  /** Told of every answer just committed (see AuditStore.onAnswerSaved). */
  readonly answerListeners: Set<(auditId: string, answer: Answer) => void>;
}

/** Runs a storage operation, turning whatever IndexedDB throws into a StorageError. */
export async function run<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error);
  }
}

/** The stored header of a draft; refuses a missing or finalised (locked) audit. */
export function draftHeader(auditId: string, row: unknown): AuditHeader {
  if (row === undefined) throw new StorageError('not_found', `audit ${auditId} does not exist`);
  const header = parseHeader(row);
  if (header.status !== 'draft')
    throw new StorageError('locked', `audit ${auditId} is finalised and can no longer be changed`);
  return header;
}

export function parseHeader(row: unknown): AuditHeader {
  const parsed = auditHeaderSchema.safeParse(row);
  if (!parsed.success) {
    throw new StorageError(
      'corrupt',
      `stored audit does not match the schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export function parseAnswers(rows: readonly AnswerRow[]): Answer[] {
  return rows.map(({ auditId: _auditId, ...row }) => {
    const parsed = answerSchema.safeParse(row);
    if (!parsed.success)
      throw new StorageError(
        'corrupt',
        `stored answer ${row.unitId}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    return parsed.data;
  });
}
