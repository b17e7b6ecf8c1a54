import { describe, expect, it } from 'vitest';
import { StorageError } from '../../storage/storage-error';
import { SaveTrackerStore } from './save-tracker-store';

const audit = '6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1a2b';

/** A write the test finishes by hand. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SaveTrackerStore (the save status outside React)', () => {
  it('counts a running write, tells its listeners twice (保存中, 已保存) and resolves to the result', async () => {
    const tracker = new SaveTrackerStore();
    const seen: number[] = [];
    tracker.subscribe(() => seen.push(tracker.getState().pending));
    const write = deferred<string>();
    const done = tracker.track(`grade:${audit}:1.1`, () => write.promise);
    expect(tracker.getState().pending).toBe(1);
    expect(tracker.getState().unsavedFor(audit)).toEqual([
      { key: `grade:${audit}:1.1`, what: 'grade', target: '1.1', state: 'pending' },
    ]);
    write.resolve('stored');
    expect(await done).toBe('stored');
    expect(seen).toEqual([1, 0]);
    expect(tracker.getState().failure).toBeUndefined();
    expect(tracker.getState().unsavedFor(audit)).toEqual([]);
  });

  it('keeps the failure object while only the running count changes, so the banner does not re-render', async () => {
    const tracker = new SaveTrackerStore();
    await tracker.track(`note:${audit}:2`, () => Promise.reject(new StorageError('quota', 'disk full')));
    const failure = tracker.getState().failure;
    expect(failure).toMatchObject({ kind: 'quota', detail: 'disk full', count: 1 });
    const before = tracker.getState();
    const write = deferred<undefined>();
    const done = tracker.track(`grade:${audit}:1.1`, () => write.promise);
    expect(tracker.getState()).not.toBe(before);
    expect(tracker.getState().failure).toBe(failure);
    write.resolve(undefined);
    await done;
    expect(tracker.getState().failure).toBe(failure);
    expect(tracker.unsavedNow(audit).map((w) => `${w.what}:${w.state}`)).toEqual(['note:failed']);
  });

  it('retries failed writes oldest first; a success clears the failure, and dismissing is undone by a new one', async () => {
    const tracker = new SaveTrackerStore();
    const order: string[] = [];
    let isFull = true;
    const write = (name: string) => () => {
      order.push(name);
      return isFull ? Promise.reject(new StorageError('quota', name)) : Promise.resolve(name);
    };
    await tracker.track(`grade:${audit}:1`, write('a'));
    await tracker.track(`grade:${audit}:2`, write('b'));
    expect(tracker.getState().failure).toMatchObject({ detail: 'b', count: 2 });
    tracker.dismiss();
    expect(tracker.getState().isBannerDismissed).toBe(true);
    isFull = false;
    tracker.getState().failure?.retry();
    await new Promise((r) => setTimeout(r, 0));
    await tracker.settled();
    expect(order).toEqual(['a', 'b', 'a', 'b']);
    expect(tracker.getState().failure).toBeUndefined();
    isFull = true;
    await tracker.track(`grade:${audit}:3`, write('c'));
    expect(tracker.getState().isBannerDismissed).toBe(false);
  });

  it('a newer write to the same key that succeeds clears that key’s failure', async () => {
    const tracker = new SaveTrackerStore();
    await tracker.track(`grade:${audit}:1`, () => Promise.reject(new StorageError('quota', 'x')));
    expect(tracker.getState().failure?.count).toBe(1);
    await tracker.track(`grade:${audit}:1`, () => Promise.resolve('ok'));
    expect(tracker.getState().failure).toBeUndefined();
  });
});
