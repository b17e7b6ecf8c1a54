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
 * Writes a whole file or nothing: to a temporary file in `tmpDir` (same file system), fsync, rename into
 * place, fsync the folder. A crash leaves at most a temporary file, which the next start sweeps away.
 */
export async function writeDurably(file: string, bytes: Uint8Array | string, tmpDir: string): Promise<void> {
  const tmp = tempPathIn(tmpDir, 'write');
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
  await syncDir(dirname(file));
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
