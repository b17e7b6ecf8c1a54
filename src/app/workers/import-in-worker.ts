import type { HeadOfficeStore } from '../../storage/head-office-store';
import { importFile } from '../../storage/import-file';
import { importResponseSchema, type ImportResponse } from '../../storage/import-protocol';

/**
 * Imports a bundle file in a Web Worker, so the dashboard stays responsive however large the file. Where a
 * worker cannot start (no Worker, or its script fails to load), the same import runs on the page instead.
 */
export function importInWorker(file: File, onPage: HeadOfficeStore): Promise<ImportResponse> {
  if (typeof Worker === 'undefined') return importFile(onPage, file, file.name);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
    } catch {
      resolve(importFile(onPage, file, file.name));
      return;
    }
    let answered = false;
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      answered = true;
      worker.terminate();
      const parsed = importResponseSchema.safeParse(event.data);
      resolve(parsed.success ? parsed.data : { outcome: 'failed', message: 'the import worker gave an unreadable answer' });
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      worker.terminate();
      // A worker that never answered wrote nothing it did not finish: each chunk commits whole, and an
      // import is idempotent, so running it on the page gives the same result.
      if (!answered) resolve(importFile(onPage, file, file.name));
    });
    worker.postMessage({ file, name: file.name });
  });
}
