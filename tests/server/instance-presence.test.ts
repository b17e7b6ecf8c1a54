import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinDataDir, liveInstances } from '../../src/server/store/instance-presence';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ducha-instances-'));
  dirs.push(dir);
  return dir;
};

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** An instance's announcement and its tmp folder holding one fresh and one two-hour-old file. */
function plantInstance(dataDir: string, id: string, pid: number, host = hostname()): void {
  mkdirSync(join(dataDir, 'instances'), { recursive: true });
  writeFileSync(
    join(dataDir, 'instances', `${id}.json`),
    JSON.stringify({ id, pid, host, since: '2026-12-01T00:00:00.000Z' }),
  );
  mkdirSync(join(dataDir, 'tmp', id), { recursive: true });
  writeFileSync(join(dataDir, 'tmp', id, 'fresh.tmp'), 'in flight');
  writeFileSync(join(dataDir, 'tmp', id, 'old.tmp'), 'abandoned');
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(join(dataDir, 'tmp', id, 'old.tmp'), twoHoursAgo, twoHoursAgo);
}

describe('servers sharing a data dir', () => {
  it('sweep what dead instances left and abandoned files, never a live instance’s write in flight', async () => {
    const dataDir = freshDir();
    plantInstance(dataDir, 'here-live', process.pid);
    plantInstance(dataDir, 'here-dead', deadPid());
    // Another machine's pid cannot be checked: treated as live.
    plantInstance(dataDir, 'there-1', 1, 'another-host.example');
    writeFileSync(join(dataDir, 'tmp', 'loose-fresh.tmp'), 'an older release writing');
    writeFileSync(join(dataDir, 'tmp', 'loose-old.tmp'), 'left by an older release');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(dataDir, 'tmp', 'loose-old.tmp'), twoHoursAgo, twoHoursAgo);

    const { presence, swept } = await joinDataDir(dataDir);
    // here-dead: its two files; here-live and there-1: one old file each; the old loose file.
    expect(swept).toBe(5);
    expect(readdirSync(join(dataDir, 'tmp')).sort()).toEqual(
      ['here-live', 'loose-fresh.tmp', presence.id, 'there-1'].sort(),
    );
    expect(readdirSync(join(dataDir, 'tmp', 'here-live'))).toEqual(['fresh.tmp']);
    expect(readdirSync(join(dataDir, 'tmp', 'there-1'))).toEqual(['fresh.tmp']);
    expect((await liveInstances(dataDir)).map((p) => p.id).sort()).toEqual(
      ['here-live', presence.id, 'there-1'].sort(),
    );
    expect(existsSync(join(dataDir, 'instances', 'here-dead.json'))).toBe(false);

    await presence.leave();
    expect(existsSync(join(dataDir, 'tmp', presence.id))).toBe(false);
    expect((await liveInstances(dataDir)).map((p) => p.id).sort()).toEqual(['here-live', 'there-1']);
  });
});
