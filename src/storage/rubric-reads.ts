import { formatIssue, parseRubric, rubricFingerprint, type Rubric } from '../domain/index';
import { StorageError } from './storage-error';
import { type StoreContext, run } from './store-context';

export async function readStoredRubric(ctx: StoreContext, fingerprint: string): Promise<Rubric> {
  const row = await run(() => ctx.db.rubrics.get(fingerprint));
  if (!row) throw new StorageError('not_found', `rubric ${fingerprint} is not stored on this device`);
  const parsed = parseRubric(row.content);
  if (!parsed.ok)
    throw new StorageError(
      'corrupt',
      `stored rubric ${fingerprint}: ${parsed.issues.map(formatIssue).join('; ')}`,
    );
  const actual = rubricFingerprint(parsed.value);
  if (actual !== fingerprint)
    throw new StorageError(
      'corrupt',
      `stored rubric ${fingerprint}: its content has the fingerprint ${actual}`,
    );
  return parsed.value;
}
