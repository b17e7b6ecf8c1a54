/**
 * A part of the app (a code chunk or a file it needs) that could not be fetched: it is not yet on this
 * device and the server cannot be reached. Nothing stored is affected; trying again later can succeed.
 */
export class ChunkLoadError extends Error {
  override readonly name = 'ChunkLoadError';

  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export interface RetryingImport<T> {
  /** What was loaded, once loaded; undefined before (so a screen already here renders without suspending). */
  readonly current: () => T | undefined;
  /**
   * The load in flight or done. A failure stays (the same rejected promise) until it is forgotten: React
   * re-renders a suspended screen when its promise settles, and a fresh attempt on every render would
   * suspend for ever instead of ever reaching the error boundary.
   */
  readonly load: () => Promise<T>;
  /** For event handlers: forgets a failure, then loads (so each click is a new attempt). */
  readonly loadAfresh: () => Promise<T>;
  /** After a failure, the next load() tries again. */
  readonly forgetFailure: () => void;
}

const failedImports = new Set<RetryingImport<unknown>>();

/**
 * Lets every import that failed try again on its next load(). The error boundary calls this once it shows
 * the failure, so 重试, or coming back to the screen, fetches anew (after a full reload is never needed).
 */
export function forgetFailedImports(): void {
  for (const failed of failedImports) failed.forgetFailure();
}

/**
 * A dynamic import that can be tried again. React.lazy keeps a rejected import for the life of the page,
 * so one chunk that failed while offline would keep its screen broken until a full reload; this keeps a
 * success for good and a failure only until it is forgotten.
 */
export function retryingImport<T>(importer: () => Promise<T>): RetryingImport<T> {
  let loaded: { readonly value: T } | undefined;
  let attempt: Promise<T> | undefined;
  const self: RetryingImport<T> = {
    current: () => loaded?.value,
    load: () => {
      attempt ??= importer().then(
        (value) => {
          loaded = { value };
          return value;
        },
        (error: unknown) => {
          failedImports.add(self);
          throw error instanceof ChunkLoadError ? error : new ChunkLoadError(error);
        },
      );
      return attempt;
    },
    loadAfresh: () => {
      self.forgetFailure();
      return self.load();
    },
    forgetFailure: () => {
      if (!failedImports.delete(self)) return;
      attempt = undefined;
    },
  };
  return self;
}
