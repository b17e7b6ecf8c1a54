import { liveQuery } from 'dexie';
import { auditReceiptSchema, imageReceiptSchema } from '../../domain/wire';
import type { DuchaDb } from '../../storage/db';
import {
  claimForUpload,
  dueEntries,
  listOutbox,
  saveOutboxEntry,
  uploadMaterial,
  type OutboxEntry,
} from '../../storage/outbox';
import { readServerLink } from '../../storage/server-link';
import { readSyncState, updateSyncState } from '../../storage/sync-state';
import { callApi } from '../server/api-client';
import { requestBackgroundSync } from './background-sync';
import { entryAfter, outcomeOfFailure, outcomeOfUpload, type UploadOutcome } from './upload-outcome';

/** While anything waits, the loop looks again at least this often (and at once on `online`). */
const MAX_TIMER_MS = 60_000;
const MIN_TIMER_MS = 1_000;

export interface SyncDeps {
  readonly db: DuchaDb;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** Whether the loop should go on to the next entry after this one, or stop the pass (no point hammering). */
type After = 'next' | 'stop' | 'offline';

/** Sends one entry: every image first (PUT, idempotent), then the envelope exactly as sealed (POST). */
async function send(serverUrl: string, entry: OutboxEntry, db: DuchaDb): Promise<UploadOutcome> {
  let material;
  try {
    material = await uploadMaterial(db, entry.auditId);
  } catch (error) {
    return {
      kind: 'refused',
      error: { code: 'local-data', message: error instanceof Error ? error.message : String(error), action: 'contact-head-office' },
    };
  }
  for (const image of material.images) {
    const put = await callApi(serverUrl, {
      method: 'PUT',
      path: `/api/images/${image.sha256}`,
      body: { bytes: image.bytes, contentType: image.type },
      schema: imageReceiptSchema,
    });
    if (!put.ok) return outcomeOfFailure(put, entry.sealHash);
  }
  const posted = await callApi(serverUrl, {
    method: 'POST',
    path: '/api/audits',
    body: { json: material.envelope },
    schema: auditReceiptSchema,
  });
  return outcomeOfUpload(posted, entry.sealHash);
}

/**
 * Runs `work` holding this audit's upload lock, or not at all when another tab holds it (that tab is sending
 * it). Without the Web Locks API (older browsers) it just runs: the server's idempotency keeps a resend harmless.
 */
async function withAuditLock(auditId: string, work: () => Promise<After>): Promise<After> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (locks === undefined) return work();
  const result: After | undefined = await locks.request(`ducha-outbox:${auditId}`, { ifAvailable: true }, async (lock) =>
    lock === null ? undefined : work(),
  );
  return result ?? 'next';
}

/**
 * The outbox's sync loop, independent of React: one pass sends every due entry, one at a time; passes never
 * overlap in a tab (a request while one runs makes one more pass after it). It runs on start, on `online`,
 * whenever an entry starts waiting (定稿 in any tab), on a Background Sync wake-up, and on a timer set to the
 * next entry's time.
 */
export class SyncEngine {
  private running: Promise<void> | undefined;
  private isRequested = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: SyncDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  /** Starts listening; returns the stop. */
  start(): () => void {
    const onOnline = () => {
      void this.syncNow();
    };
    const onMessage = (event: MessageEvent<unknown>) => {
      const { data } = event;
      if (typeof data === 'object' && data !== null && 'type' in data && data.type === 'ducha-outbox-sync') void this.syncNow();
    };
    globalThis.addEventListener('online', onOnline);
    const sw = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
    sw?.addEventListener('message', onMessage);
    // A new waiting entry (定稿 here or in another tab, or a requeue after sign-in) starts a pass.
    const waiting = liveQuery(() => this.deps.db.outbox.where('status').equals('pending').primaryKeys()).subscribe({
      next: (keys) => {
        if (keys.length > 0) void this.syncNow();
      },
      error: () => undefined, // the timer and `online` still run passes
    });
    void this.syncNow();
    return () => {
      globalThis.removeEventListener('online', onOnline);
      sw?.removeEventListener('message', onMessage);
      waiting.unsubscribe();
      if (this.timer !== undefined) clearTimeout(this.timer);
    };
  }

  /** One pass now (or right after the one running). Never rejects: what failed is in the outbox entries. */
  syncNow(): Promise<void> {
    if (this.running) {
      this.isRequested = true;
      return this.running;
    }
    this.running = (async () => {
      // A request that came during a pass may concern an entry the pass had already passed over: one more pass.
      for (let again = true; again; again = this.takeRequest()) {
        await this.pass().catch((error: unknown) => {
          console.error('outbox sync pass failed', error);
        });
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private takeRequest(): boolean {
    const requested = this.isRequested;
    this.isRequested = false;
    return requested;
  }

  private async pass(): Promise<void> {
    const { db } = this.deps;
    const link = await readServerLink({ db });
    if (!link || (link.session.role !== 'auditor' && link.session.role !== 'admin')) return;
    if ((await readSyncState(db)).sessionLost !== null) return;
    let after: After = 'next';
    for (const due of await dueEntries(db, new Date(this.now()).toISOString())) {
      after = await withAuditLock(due.auditId, async () => {
        const claimed = await claimForUpload(db, due.auditId, new Date(this.now()).toISOString());
        if (!claimed) return 'next';
        const outcome = await send(link.serverUrl, claimed, db);
        await saveOutboxEntry(db, entryAfter(claimed, outcome, this.now(), this.random()));
        if (outcome.kind === 'signed-out') {
          await updateSyncState(db, { sessionLost: { at: new Date(this.now()).toISOString(), message: outcome.error.message } });
          return 'stop';
        }
        if (outcome.kind === 'retry') return outcome.error.code === 'offline' ? 'offline' : 'stop';
        return 'next';
      });
      if (after !== 'next') break;
    }
    if (after === 'offline') void requestBackgroundSync();
    await this.schedule();
  }

  /** The timer for the next waiting entry (at most a minute away, so a missed wake-up costs little). */
  private async schedule(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = (await listOutbox(this.deps.db)).filter((e) => e.status === 'pending' || e.status === 'uploading');
    if (waiting.length === 0) return;
    const next = Math.min(...waiting.map((e) => Date.parse(e.nextAttemptAt)));
    const delay = Math.min(MAX_TIMER_MS, Math.max(MIN_TIMER_MS, next - this.now()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow();
    }, delay);
  }
}

const engines = new WeakMap<DuchaDb, SyncEngine>();
/** One loop per database in this tab (the app's, or a test's). */
export function syncEngineFor(db: DuchaDb): SyncEngine {
  let engine = engines.get(db);
  if (!engine) {
    engine = new SyncEngine({ db });
    engines.set(db, engine);
  }
  return engine;
}
