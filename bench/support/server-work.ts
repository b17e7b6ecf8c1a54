// Per-upload work of the server under test (`--count`): uploads sent one at a time by one client, the work
// counter's totals read before and after.
import type { ServerUnderTest, WorkCounts } from './server-under-test';
import { runUploads, sendUpload, type Upload } from './upload-load';

export interface CountedWork extends WorkCounts {
  /** HTTP requests per upload (image PUTs and the envelope POST). */
  readonly requests: number;
}

const perUpload = (before: WorkCounts, after: WorkCounts, uploads: readonly Upload[]): CountedWork => {
  const per = (key: keyof WorkCounts) => (after[key] - before[key]) / uploads.length;
  return {
    requests: uploads.reduce((n, u) => n + u.images.length + 1, 0) / uploads.length,
    statements: per('statements'),
    fsyncs: per('fsyncs'),
    sha256Passes: per('sha256Passes'),
    sha256Bytes: per('sha256Bytes'),
    signatureChecks: per('signatureChecks'),
    bigJsonParses: per('bigJsonParses'),
  };
};

/** The same, every client sending at once (what group commit shares only shows here). */
export async function countWorkAtOnce(server: ServerUnderTest, perClient: readonly (readonly Upload[])[]): Promise<CountedWork> {
  const before = await server.workCounts();
  const run = await runUploads(server.clients, perClient);
  if (run.failed.length > 0) throw new Error(`uploads failed while counting: ${run.failed.slice(0, 3).join('; ')}`);
  return perUpload(before, await server.workCounts(), perClient.flat());
}

export async function countWork(server: ServerUnderTest, perClient: readonly (readonly Upload[])[]): Promise<CountedWork> {
  const [client] = server.clients;
  const uploads = perClient[0] ?? [];
  if (!client || uploads.length === 0) throw new Error('nothing to count');
  // The first upload pays for what happens once (the day's receipt folder, cold caches): not per upload.
  const [first, ...rest] = uploads;
  if (first) await sendUpload(client, first);
  const before = await server.workCounts();
  const failed: string[] = [];
  for (const upload of rest) failed.push(...(await sendUpload(client, upload)));
  if (failed.length > 0) throw new Error(`uploads failed while counting: ${failed.slice(0, 3).join('; ')}`);
  return perUpload(before, await server.workCounts(), rest);
}
