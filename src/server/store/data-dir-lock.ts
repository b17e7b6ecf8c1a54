import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { StartupError } from '../startup-error';
import { syncDir } from './durable-file';

const lockFileSchema = z.strictObject({
  pid: z.number().int().positive(),
  host: z.string(),
  since: z.string(),
});
type LockFile = z.infer<typeof lockFileSchema>;

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Locks this process holds: a pid in a lock file can be ours from an earlier life (containers reuse pid 1). */
const heldHere = new Set<string>();

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

async function readLock(path: string): Promise<LockFile | undefined> {
  try {
    const parsed = lockFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Puts a complete lock file in place atomically: link() fails if one exists, so it is never half-written. */
async function tryPlace(dataDir: string, path: string, content: LockFile): Promise<boolean> {
  const draft = join(dataDir, `ducha.lock.${process.pid}.${randomBytes(6).toString('hex')}.draft`);
  const handle = await open(draft, 'wx');
  try {
    await handle.writeFile(JSON.stringify(content));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(draft, { force: true });
    await syncDir(dataDir);
  }
}

/** Who holds the exclusive lock, if anyone still does (another machine's pid cannot be checked: honoured). */
export async function liveLockHolder(dataDir: string): Promise<LockFile | undefined> {
  const path = join(resolve(dataDir), 'ducha.lock');
  const holder = await readLock(path);
  if (holder === undefined) return undefined;
  const isLive =
    holder.host !== hostname() || (holder.pid === process.pid ? heldHere.has(path) : isAlive(holder.pid));
  return isLive ? holder : undefined;
}

/**
 * Makes this process the only server on a data dir (PGlite's files and the blob store must never have two
 * writers). A lock left by a process that is gone is taken over; one held by a live process is refused with
 * its pid. Two servers taking over the same stale lock at the same instant is not guarded against.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(resolve(dataDir), 'ducha.lock');
  const mine: LockFile = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryPlace(dataDir, path, mine)) {
      heldHere.add(path);
      return {
        path,
        release: async () => {
          if (!heldHere.delete(path)) return;
          const current = await readLock(path);
          if (current?.pid === mine.pid && current.since === mine.since) await rm(path, { force: true });
        },
      };
    }
    const holder = await liveLockHolder(dataDir);
    if (holder !== undefined)
      throw new StartupError(
        `the data dir ${resolve(dataDir)} is in use by another Ducha server (pid ${holder.pid} on ${holder.host}, since ${holder.since}): stop it first, or start this one with another --data-dir`,
      );
    // Stale (its process is gone) or unreadable: move it aside, then try once more.
    const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
    await rename(path, aside).catch(() => undefined);
    await rm(aside, { force: true });
  }
  throw new StartupError(
    `could not lock the data dir ${resolve(dataDir)}: another server took it at the same moment`,
  );
}
