export type StorageErrorKind =
  'quota' | 'locked' | 'not_found' | 'invalid' | 'corrupt' | 'unavailable' | 'unknown';

/** A storage failure the UI can explain: what went wrong, in a kind it can translate. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined;
  return typeof error.name === 'string' ? error.name : undefined;
}

function innerError(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'inner' in error ? error.inner : undefined;
}

/** Maps IndexedDB/Dexie failures onto the kinds the UI explains; quota errors often arrive wrapped. */
export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const names = [errorName(error), errorName(innerError(error)), errorName(innerError(innerError(error)))];
  const message = error instanceof Error ? error.message : String(error);
  if (names.includes('QuotaExceededError')) return new StorageError('quota', message, { cause: error });
  if (
    names.some(
      (n) =>
        n === 'MissingAPIError' ||
        n === 'OpenFailedError' ||
        n === 'DatabaseClosedError' ||
        n === 'InvalidStateError',
    )
  ) {
    return new StorageError('unavailable', message, { cause: error });
  }
  return new StorageError('unknown', message, { cause: error });
}
