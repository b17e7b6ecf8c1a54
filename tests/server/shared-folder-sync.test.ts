import { describe, expect, it } from 'vitest';
import { SharedFolderSync } from '../../src/server/store/durable-file';

/** A folder sync the test finishes by hand, recording which folder each sync was for. */
function manualSyncs() {
  const started: { dir: string; finish: () => void; fail: (error: Error) => void }[] = [];
  const syncFolder = (dir: string) =>
    new Promise<void>((resolve, reject) => {
      started.push({ dir, finish: resolve, fail: reject });
    });
  return { started, syncFolder };
}

/** Lets every queued promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function watch(promise: Promise<void>) {
  const state: { done: boolean; error: Error | undefined } = { done: false, error: undefined };
  promise.then(
    () => {
      state.done = true;
    },
    (error: unknown) => {
      state.error = error instanceof Error ? error : new Error(String(error));
    },
  );
  return state;
}

describe('SharedFolderSync (group commit of folder fsyncs)', () => {
  it('lets callers that arrive before a sync starts share it', async () => {
    const { started, syncFolder } = manualSyncs();
    const shared = new SharedFolderSync(syncFolder);
    const a = watch(shared.sync('/data/receipts/2026-12-01'));
    const b = watch(shared.sync('/data/receipts/2026-12-01'));
    await settle();
    expect(started.map((s) => s.dir)).toEqual(['/data/receipts/2026-12-01']);
    started[0]?.finish();
    await settle();
    expect([a.done, b.done]).toEqual([true, true]);
  });

  it('never answers a caller with a sync that was already running when it asked (it may predate its rename)', async () => {
    const { started, syncFolder } = manualSyncs();
    const shared = new SharedFolderSync(syncFolder);
    const early = watch(shared.sync('/d'));
    await settle();
    expect(started).toHaveLength(1);
    // The first sync is running: a caller now needs one that starts after it.
    const late = watch(shared.sync('/d'));
    const later = watch(shared.sync('/d'));
    await settle();
    expect(started).toHaveLength(1);
    started[0]?.finish();
    await settle();
    expect(early.done).toBe(true);
    expect([late.done, later.done]).toEqual([false, false]);
    expect(started).toHaveLength(2);
    started[1]?.finish();
    await settle();
    expect([late.done, later.done]).toEqual([true, true]);
    expect(started).toHaveLength(2);
  });

  it('syncs different folders separately, and a failed sync fails exactly its own callers', async () => {
    const { started, syncFolder } = manualSyncs();
    const shared = new SharedFolderSync(syncFolder);
    const one = watch(shared.sync('/blobs/ab'));
    const two = watch(shared.sync('/blobs/cd'));
    await settle();
    expect(started.map((s) => s.dir)).toEqual(['/blobs/ab', '/blobs/cd']);
    started[0]?.fail(new Error('EIO'));
    await settle();
    expect(one.error?.message).toBe('EIO');
    expect(two.done).toBe(false);
    // The next caller of the failed folder gets a fresh sync, not the failure.
    const again = watch(shared.sync('/blobs/ab'));
    await settle();
    expect(started.map((s) => s.dir)).toEqual(['/blobs/ab', '/blobs/cd', '/blobs/ab']);
    started[2]?.finish();
    started[1]?.finish();
    await settle();
    expect([again.done, two.done, again.error]).toEqual([true, true, undefined]);
  });
});
