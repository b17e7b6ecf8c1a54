import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Makes a directory entry (a rename, a new file, a new folder) survive a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A name for a temporary file no other write can be using, in the data dir's own tmp folder. */
export const tempPathIn = (tmpDir: string, hint: string): string =>
  join(tmpDir, `${hint}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

/**
 * Folder syncs shared by concurrent writers (group commit): a caller whose rename is done waits for a sync of
 * the folder that starts after its call, and every caller waiting meanwhile shares that one sync. So each is
 * answered only once a sync that began after its own rename has finished, as with a sync of its own, while
 * 50 uploads writing receipts into one day's folder at once pay for a few syncs instead of 50.
 */
export class SharedFolderSync {
  /** Per folder: the sync not yet started, which every new caller joins. */
  private readonly next = new Map<string, Promise<void>>();
  /** Per folder: the sync running now, which a new caller cannot rely on (it may predate its rename). */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly syncFolder: (dir: string) => Promise<void> = syncDir) {}

  sync(dir: string): Promise<void> {
    const queued = this.next.get(dir);
    if (queued) return queued;
    const previous = this.running.get(dir) ?? Promise.resolve();
    const mine: Promise<void> = previous
      .catch(() => undefined)
      .then(async () => {
        this.next.delete(dir);
        this.running.set(dir, mine);
        try {
          await this.syncFolder(dir);
        } finally {
          if (this.running.get(dir) === mine) this.running.delete(dir);
        }
      });
    this.next.set(dir, mine);
    return mine;
  }
}

export interface DurableFile {
  readonly file: string;
  readonly bytes: Uint8Array | string;
}

/** Writes to a temporary file, fsyncs and renames it into place; the caller syncs the folder. */
async function writeAndRename({ file, bytes }: DurableFile, tmpDir: string | undefined): Promise<void> {
  const tmp = tmpDir === undefined ? `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp` : tempPathIn(tmpDir, 'write');
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(tmp, file);
}

/**
 * Writes many files, each whole or not at all: to a temporary file (in `tmpDir` when given, on the same file
 * system, else beside the file), fsync, rename into place, then one fsync per folder. The fsyncs run side by
 * side on libuv's pool: two syncs per file in a row made the store, not verification, what limited an import
 * to a few hundred audits a second. A crash leaves at most a temporary file. The server's blob store and
 * receipts and the CLI's file store all write through here.
 */
export async function writeManyDurably(files: readonly DurableFile[], tmpDir?: string, options: WriteOptions = {}): Promise<void> {
  const dirs = new Set(files.map((f) => dirname(f.file)));
  if (options.foldersExist !== true) for (const dir of dirs) await makeDirDurably(dir);
  const queue = [...files];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await writeAndRename(next, tmpDir);
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  const { folderSync } = options;
  for (const dir of dirs) await (folderSync ? folderSync.sync(dir) : syncDir(dir));
}

export interface WriteOptions {
  /** The caller made the folders durably already (a store's fixed folders): no mkdir per write. */
  readonly foldersExist?: boolean;
  /** Share folder syncs with concurrent writers of the same store. */
  readonly folderSync?: SharedFolderSync;
}

/** Writes one file whole or not at all (see writeManyDurably). */
export function writeDurably(file: string, bytes: Uint8Array | string, tmpDir?: string, options: WriteOptions = {}): Promise<void> {
  return writeManyDurably([{ file, bytes }], tmpDir, options);
}

/** Creates a folder (and its parents) so that it survives a power cut. */
export async function makeDirDurably(dir: string): Promise<void> {
  const made = await mkdir(dir, { recursive: true });
  if (made === undefined) return;
  // mkdir returns the first folder it had to create: that folder's parent and everything below need a sync.
  let here = dir;
  const toSync = [dirname(made)];
  while (here.length >= made.length) {
    toSync.push(here);
    here = dirname(here);
  }
  for (const folder of toSync) await syncDir(folder);
}

/** Removes every temporary file a crash left behind; called at start, under the data-dir lock. */
export async function sweepTemporaryFiles(tmpDir: string): Promise<number> {
  await makeDirDurably(tmpDir);
  const names = await readdir(tmpDir);
  for (const name of names) await rm(join(tmpDir, name), { force: true, recursive: true });
  if (names.length > 0) await syncDir(tmpDir);
  return names.length;
}
