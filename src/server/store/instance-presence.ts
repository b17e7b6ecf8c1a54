import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isAlive } from './data-dir-lock';
import { makeDirDurably, syncDir, writeDurably } from './durable-file';

const presenceSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/),
  pid: z.number().int().positive(),
  host: z.string(),
  since: z.string(),
});
type Presence = z.infer<typeof presenceSchema>;

/** A temporary file this old belongs to no write still in progress, whoever made it. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

export interface InstancePresence {
  readonly id: string;
  /** This instance's own folder for temporary files: nobody else writes or sweeps it while it lives. */
  readonly tmpDir: string;
  leave(): Promise<void>;
}

const presenceDir = (dataDir: string) => join(dataDir, 'instances');

/** The host part keeps ids readable in a shared folder; the random part keeps them unique (pids repeat). */
const newInstanceId = () =>
  `${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${process.pid}-${randomBytes(4).toString('hex')}`;

async function readPresences(dataDir: string): Promise<Map<string, Presence>> {
  const found = new Map<string, Presence>();
  let names: string[];
  try {
    names = await readdir(presenceDir(dataDir));
  } catch {
    return found;
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const parsed = presenceSchema.safeParse(
        JSON.parse(await readFile(join(presenceDir(dataDir), name), 'utf8')),
      );
      if (parsed.success) found.set(parsed.data.id, parsed.data);
    } catch {
      // Half-written or gone meanwhile: not a live instance's presence (those are written whole).
    }
  }
  return found;
}

/** Another machine's pid cannot be checked from here: its presence is honoured until someone removes it. */
const isLive = (p: Presence) => p.host !== hostname() || isAlive(p.pid);

/** Instances sharing this data dir that are (or may be) running, for operations that must run alone. */
export async function liveInstances(dataDir: string): Promise<Presence[]> {
  return [...(await readPresences(dataDir)).values()].filter(isLive);
}

/**
 * Announces one server instance on a data dir shared with others (PostgreSQL only: PGlite takes the
 * exclusive lock instead) and gives it its own tmp folder. What earlier instances left in `tmp/` is swept
 * only when theirs is certainly dead (same host, pid gone, or no presence at all); a live or unknowable
 * instance loses only temporary files older than an hour, which no write in progress can own.
 */
export async function joinDataDir(
  dataDir: string,
): Promise<{ readonly presence: InstancePresence; readonly swept: number }> {
  const id = newInstanceId();
  const mine: Presence = { id, pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await makeDirDurably(presenceDir(dataDir));
  const file = join(presenceDir(dataDir), `${id}.json`);
  await writeDurably(file, JSON.stringify(mine));
  const tmpRoot = join(dataDir, 'tmp');
  await makeDirDurably(tmpRoot);
  const swept = await sweepOthers(dataDir, tmpRoot, id);
  const tmpDir = join(tmpRoot, id);
  await makeDirDurably(tmpDir);
  return {
    swept,
    presence: {
      id,
      tmpDir,
      leave: async () => {
        await rm(tmpDir, { recursive: true, force: true });
        await rm(file, { force: true });
      },
    },
  };
}

/** Removes the announcements of instances certainly gone (same host, pid not running): a kill -9 leaves them. */
export async function forgetDeadInstances(dataDir: string): Promise<void> {
  for (const presence of (await readPresences(dataDir)).values())
    if (!isLive(presence)) await rm(join(presenceDir(dataDir), `${presence.id}.json`), { force: true });
}

async function sweepOthers(dataDir: string, tmpRoot: string, ownId: string): Promise<number> {
  const presences = await readPresences(dataDir);
  const cutoff = Date.now() - ABANDONED_AFTER_MS;
  let swept = 0;
  for (const entry of await readdir(tmpRoot, { withFileTypes: true })) {
    if (entry.name === ownId) continue;
    const path = join(tmpRoot, entry.name);
    const owner = entry.isDirectory() ? presences.get(entry.name) : undefined;
    if (owner && isLive(owner)) {
      for (const name of await readdir(path).catch(() => [])) {
        const file = join(path, name);
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtimeMs < cutoff) {
          await rm(file, { force: true, recursive: true });
          swept++;
        }
      }
      continue;
    }
    // A loose file from before per-instance folders, or the folder of an instance that is gone.
    if (entry.isFile()) {
      const info = await stat(path).catch(() => undefined);
      // A loose file could still be an older release's write in flight: the same hour rule.
      if (info && info.mtimeMs >= cutoff) continue;
    }
    swept += entry.isDirectory() ? (await readdir(path).catch(() => [])).length : 1;
    await rm(path, { force: true, recursive: true });
    if (owner) await rm(join(presenceDir(dataDir), `${owner.id}.json`), { force: true });
  }
  if (swept > 0) await syncDir(tmpRoot);
  await forgetDeadInstances(dataDir);
  return swept;
}
