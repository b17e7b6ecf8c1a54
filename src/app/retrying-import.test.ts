import { describe, expect, it } from 'vitest';
import { ChunkLoadError, forgetFailedImports, retryingImport } from './retrying-import';

/** An importer whose outcomes are scripted call by call ('fail' rejects), counting how often it was asked. */
function scripted(outcomes: readonly string[]) {
  let calls = 0;
  const importer = () => {
    const outcome = outcomes[calls++] ?? 'no more outcomes';
    return outcome === 'fail'
      ? Promise.reject(new TypeError('Failed to fetch dynamically imported module: /assets/x.js'))
      : Promise.resolve(outcome);
  };
  return { importer, calls: () => calls };
}

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );

describe('retryingImport', () => {
  it('loads once and hands every caller the same result', async () => {
    const source = scripted(['screen']);
    const chunk = retryingImport(source.importer);
    expect(chunk.current()).toBeUndefined();
    const [a, b] = await Promise.all([chunk.load(), chunk.load()]);
    expect([a, b]).toEqual(['screen', 'screen']);
    expect(await chunk.load()).toBe('screen');
    expect(await chunk.loadAfresh()).toBe('screen');
    chunk.forgetFailure();
    expect(chunk.current()).toBe('screen');
    expect(source.calls()).toBe(1);
  });

  it('reports a failure as ChunkLoadError with the browser message, the same one until it is forgotten', async () => {
    const source = scripted(['fail', 'screen']);
    const chunk = retryingImport(source.importer);
    const first = chunk.load();
    const failure = await failureOf(first);
    expect(failure).toBeInstanceOf(ChunkLoadError);
    expect(failure).toMatchObject({
      name: 'ChunkLoadError',
      message: 'Failed to fetch dynamically imported module: /assets/x.js',
    });
    // A re-render after the rejection gets that same settled promise, so React can reach the error boundary.
    expect(chunk.load()).toBe(first);
    expect(source.calls()).toBe(1);
    chunk.forgetFailure();
    // React.lazy would hand back the same rejection for ever; this asks the importer again.
    expect(await chunk.load()).toBe('screen');
    expect(chunk.current()).toBe('screen');
    expect(source.calls()).toBe(2);
  });

  it('forgetFailedImports lets every failed import try again, and leaves loaded ones alone', async () => {
    const failing = scripted(['fail', 'list']);
    const loaded = scripted(['form']);
    const failed = retryingImport(failing.importer);
    const ok = retryingImport(loaded.importer);
    await failureOf(failed.load());
    await ok.load();
    forgetFailedImports();
    expect(await failed.load()).toBe('list');
    expect(await ok.load()).toBe('form');
    expect([failing.calls(), loaded.calls()]).toEqual([2, 1]);
  });

  it('loadAfresh (a click) tries again after a failure; callers of one attempt share its outcome', async () => {
    const source = scripted(['fail', 'fail', 'sheet']);
    const chunk = retryingImport(source.importer);
    const outcomes = await Promise.allSettled([chunk.loadAfresh(), chunk.load()]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(source.calls()).toBe(1);
    expect(await failureOf(chunk.loadAfresh())).toBeInstanceOf(ChunkLoadError);
    expect(await chunk.loadAfresh()).toBe('sheet');
    expect(source.calls()).toBe(3);
  });
});
