import type { AuditStore } from '../../storage/audit-store';
import { cacheFullerFont, fullerFontStatus } from '../fuller-font';
import { ChunkLoadError, retryingImport } from '../retrying-import';
import type { SealedSheetSource, SheetOptions, SheetOutcome, SheetRequest } from '../sheet/make-sheet';
import { sheetResponseSchema } from './sheet-protocol';

// The page-side fallback loads the renderer only when it is needed: the review screen stays small.
const onPage = retryingImport(() => import('../sheet/make-sheet'));

async function makeOnPage(store: AuditStore, request: SheetRequest): Promise<SheetOutcome> {
  const { makeSheet } = await onPage.loadAfresh();
  return makeSheet(store, request);
}

async function makeSealedOnPage(source: SealedSheetSource, options: SheetOptions): Promise<SheetOutcome> {
  const { makeSealedSheet } = await onPage.loadAfresh();
  return makeSealedSheet(source, options);
}

interface Pending {
  /** The same sheet made on the page, when the worker could not make it. */
  readonly makeOnPage: () => Promise<SheetOutcome>;
  readonly resolve: (outcome: SheetOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** One worker for the page's life, so its fetched and parsed fonts serve every sheet made on this page. */
let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function settle(id: number, settleWith: (entry: Pending) => void): void {
  const entry = pending.get(id);
  if (!entry) return;
  pending.delete(id);
  settleWith(entry);
}

function startWorker(): Worker | undefined {
  if (worker) return worker;
  if (typeof Worker === 'undefined') return undefined;
  let started: Worker;
  try {
    started = new Worker(new URL('./sheet-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return undefined;
  }
  started.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = sheetResponseSchema.safeParse(event.data);
    if (!parsed.success) {
      // Without an id the answer cannot be matched to a request; every waiting one is told.
      for (const id of [...pending.keys()])
        settle(id, (entry) => {
          entry.reject(new Error('the sheet worker gave an unreadable answer'));
        });
      return;
    }
    const response = parsed.data;
    settle(response.id, (entry) => {
      if (response.outcome === 'failed') {
        entry.reject(
          response.isNotOnDevice ? new ChunkLoadError(response.message) : new Error(response.message),
        );
        return;
      }
      // The worker may have fetched the fuller font into its cache: the page's status (设置) shows it too.
      if (response.hasFullerFont && fullerFontStatus() !== 'ready') void cacheFullerFont();
      const { id: _id, ...outcome } = response;
      entry.resolve(outcome);
    });
  });
  started.addEventListener('error', (event) => {
    event.preventDefault();
    started.terminate();
    if (worker === started) worker = undefined;
    // The worker could not start (its script is not on this device) or died: what it had not answered is
    // made on the page instead. Making a sheet writes nothing, so doing it again is safe.
    for (const id of [...pending.keys()])
      settle(id, (entry) => {
        entry.makeOnPage().then(entry.resolve, entry.reject);
      });
  });
  worker = started;
  return started;
}

/**
 * Makes the score sheet of a stored audit in the sheet worker, so the page never freezes while it is laid
 * out; on the page itself where no worker can start. A file that is not on the device and cannot be
 * fetched (code or font) rejects with ChunkLoadError.
 */
export function sheetInWorker(store: AuditStore, request: SheetRequest): Promise<SheetOutcome> {
  const running = startWorker();
  if (!running) return makeOnPage(store, request);
  return new Promise<SheetOutcome>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { makeOnPage: () => makeOnPage(store, request), resolve, reject });
    running.postMessage({ id, auditId: request.auditId, timeZone: request.timeZone, proceed: request.proceed });
  });
}

/**
 * Makes the score sheet of a sealed audit fetched from the server (envelope verified by the caller, images by
 * id), in the sheet worker like sheetInWorker; the images are copied to it, so the caller's stay usable.
 */
export function sealedSheetInWorker(source: SealedSheetSource, options: SheetOptions): Promise<SheetOutcome> {
  const running = startWorker();
  if (!running) return makeSealedOnPage(source, options);
  return new Promise<SheetOutcome>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { makeOnPage: () => makeSealedOnPage(source, options), resolve, reject });
    running.postMessage({
      id,
      sealed: { envelope: source.envelope, images: [...source.images] },
      timeZone: options.timeZone,
      proceed: options.proceed,
    });
  });
}
