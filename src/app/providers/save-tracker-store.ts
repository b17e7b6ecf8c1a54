import { toStorageError, type StorageErrorKind } from '../../storage/storage-error';
import { unsavedWritesOf, type UnsavedWrite } from './unsaved-writes';

export interface SaveFailure {
  readonly kind: StorageErrorKind;
  readonly detail: string;
  /** How many writes are waiting for a retry. */
  readonly count: number;
  /** Repeats every failed write, oldest first. */
  readonly retry: () => void;
}

/** What the save status shows; a new object only when something in it changed. */
export interface SaveState {
  /** Writes still running. */
  readonly pending: number;
  /** Writes still failing; stays set (the status says so) even when the banner is dismissed. */
  readonly failure: SaveFailure | undefined;
  readonly isBannerDismissed: boolean;
  /** Writes to this audit's content still running or failed (see `unsavedWritesOf`). */
  readonly unsavedFor: (auditId: string) => UnsavedWrite[];
}

interface FailedWrite {
  readonly work: () => Promise<unknown>;
  readonly kind: StorageErrorKind;
  readonly detail: string;
}

/**
 * Every write the app makes, and whether it is stored. An external store, not React state: a tap changes the
 * status twice (保存中, 已保存), and only what shows the status should re-render for that, never the form
 * whose components merely start writes (`track` and the other actions never change identity).
 */
export class SaveTrackerStore {
  private readonly pendingKeys = new Map<string, number>();
  private readonly failed = new Map<string, FailedWrite>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly listeners = new Set<() => void>();
  private isDismissed = false;
  private state: SaveState = this.makeState(undefined);

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getState = (): SaveState => this.state;

  /**
   * Runs a write and reports it. `key` names what the write sets (e.g. `grade:<audit>:<unit>`): a failed
   * write is kept for retry until it, or a newer write to the same key, succeeds, so a retry never puts
   * back an older value. Resolves to undefined on failure, so callers keep the input on screen.
   */
  readonly track = async <T>(key: string, work: () => Promise<T>): Promise<T | undefined> => {
    this.bump(key, 1);
    const attempt = work();
    this.running.add(attempt);
    try {
      const result = await attempt;
      if (this.failed.delete(key)) this.changed(true);
      return result;
    } catch (error) {
      const storageError = toStorageError(error);
      this.failed.delete(key); // re-inserted last: the newest failure is the one described
      this.failed.set(key, { work, kind: storageError.kind, detail: storageError.message });
      this.isDismissed = false;
      this.changed(true);
      return undefined;
    } finally {
      this.running.delete(attempt);
      this.bump(key, -1);
    }
  };

  /** Resolves once no write is running (failed writes stay failed). */
  readonly settled = async (): Promise<void> => {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  };

  /** The same as `SaveState.unsavedFor`, read at this moment (after `settled()`) rather than at the last render. */
  readonly unsavedNow = (auditId: string): UnsavedWrite[] =>
    unsavedWritesOf(auditId, this.pendingKeys, this.failed.keys());

  readonly dismiss = (): void => {
    if (this.isDismissed) return;
    this.isDismissed = true;
    this.changed(false);
  };

  private bump(key: string, by: number): void {
    const count = (this.pendingKeys.get(key) ?? 0) + by;
    if (count > 0) this.pendingKeys.set(key, count);
    else this.pendingKeys.delete(key);
    this.changed(false);
  }

  /** A new state for the listeners; the failure keeps its identity unless the failed writes changed. */
  private changed(hasFailedChanged: boolean): void {
    this.state = this.makeState(hasFailedChanged ? undefined : this.state.failure);
    for (const listener of [...this.listeners]) listener();
  }

  private makeState(keptFailure: SaveFailure | undefined): SaveState {
    const pendingKeys = new Map(this.pendingKeys);
    const failedKeys = [...this.failed.keys()];
    return {
      pending: [...pendingKeys.values()].reduce((a, b) => a + b, 0),
      failure: keptFailure ?? this.makeFailure(),
      isBannerDismissed: this.isDismissed,
      unsavedFor: (auditId) => unsavedWritesOf(auditId, pendingKeys, failedKeys),
    };
  }

  private makeFailure(): SaveFailure | undefined {
    const latest = [...this.failed.values()].at(-1);
    if (!latest) return undefined;
    const writes = [...this.failed];
    const retry = () => {
      void (async () => {
        for (const [key, write] of writes) await this.track(key, write.work);
      })();
    };
    return { kind: latest.kind, detail: latest.detail, count: this.failed.size, retry };
  }
}
