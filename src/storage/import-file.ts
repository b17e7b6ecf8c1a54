import type { ByteSource } from '../domain/head-office';
import type { HeadOfficeStore } from './head-office-store';
import type { ImportResponse } from './import-protocol';

/** Reads a picked or dropped file in slices, so a large v2 bundle is never one string or one buffer. */
export const blobSource = (file: Blob): ByteSource => ({
  size: file.size,
  read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
});

/** One bundle file into head office's store; what the import worker runs (and the page, where there is none). */
export async function importFile(store: HeadOfficeStore, file: Blob, name: string): Promise<ImportResponse> {
  try {
    // Either bundle format, told apart by content: the name and the picker's filter decide nothing.
    const result = await store.importBundleFile(blobSource(file), name);
    if (!result.ok)
      return { outcome: 'refused', issues: result.issues.map(({ path, message, problem }) => ({ path, message, problem })) };
    // The next dashboard opening reads one record instead of every fact; made here, with the facts just written.
    await store.refreshDashboardSnapshot();
    return { outcome: 'report', report: result.value };
  } catch (error) {
    return { outcome: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}
