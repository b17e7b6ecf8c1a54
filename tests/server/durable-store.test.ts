import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/domain/index';
import { BlobStore } from '../../src/server/store/blob-store';
import { lockDataDir } from '../../src/server/store/data-dir-lock';
import { sweepTemporaryFiles, writeDurably } from '../../src/server/store/durable-file';
import { ReceiptLog } from '../../src/server/store/receipts';
import { photoBlue, photoRed } from '../support/sealed-audit';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ducha-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const lockFile = (pid: number, host = hostname()) => JSON.stringify({ pid, host, since: '2026-11-24T00:00:00.000Z' });

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('blob store: bytes by SHA-256, whole or not at all', () => {
  it('stores bytes under their SHA-256 once and reads them back', async () => {
    const dataDir = freshDir();
    const blobs = await BlobStore.open(dataDir, join(dataDir, 'tmp'));
    await sweepTemporaryFiles(join(dataDir, 'tmp'));
    expect(await blobs.put(photoRed)).toEqual({ sha256: sha256Hex(photoRed), isNew: true });
    expect(await blobs.put(photoRed)).toEqual({ sha256: sha256Hex(photoRed), isNew: false });
    expect(await blobs.read(sha256Hex(photoRed))).toEqual(photoRed);
    expect(readFileSync(join(dataDir, 'blobs', sha256Hex(photoRed).slice(0, 2), sha256Hex(photoRed)))).toEqual(Buffer.from(photoRed));
    expect(await blobs.has(sha256Hex(photoBlue))).toBe(false);
    expect(await blobs.read(sha256Hex(photoBlue))).toBeUndefined();
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
  });

  it('lists every stored name (what backup and reindex walk), and nothing else in its folders', async () => {
    const dataDir = freshDir();
    const blobs = await BlobStore.open(dataDir, join(dataDir, 'tmp'));
    await sweepTemporaryFiles(join(dataDir, 'tmp'));
    await blobs.put(photoRed);
    await blobs.put(photoBlue);
    writeFileSync(join(dataDir, 'blobs', '00', 'stray.tmp'), 'not a blob');
    const names: string[] = [];
    for await (const name of blobs.list()) names.push(name);
    expect(names.sort()).toEqual([sha256Hex(photoRed), sha256Hex(photoBlue)].sort());
  });

  it('sweeps the temporary files an interrupted write leaves, and only those', async () => {
    const dataDir = freshDir();
    const tmp = join(dataDir, 'tmp');
    await sweepTemporaryFiles(tmp);
    await writeDurably(join(dataDir, 'whole.json'), '{"ok":true}', tmp);
    writeFileSync(join(tmp, 'write.123.abcdef.tmp'), '{"half');
    expect(await sweepTemporaryFiles(tmp)).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readFileSync(join(dataDir, 'whole.json'), 'utf8')).toBe('{"ok":true}');
  });
});

describe('receipt log', () => {
  it('lists receipts in arrival order and reports a file that is not one', async () => {
    const dataDir = freshDir();
    const receipts = await ReceiptLog.open(dataDir, join(dataDir, 'tmp'), 'host-1-abcd');
    await sweepTemporaryFiles(join(dataDir, 'tmp'));
    const at = ['2026-11-24T02:30:00.000Z', '2026-11-24T02:30:00.000Z', '2026-11-25T00:00:00.001Z'];
    const shas = ['c', 'a', 'b'].map((c) => c.repeat(64));
    for (const [i, sha] of shas.entries())
      await receipts.record({ version: 1, envelopeSha256: sha, receivedAt: at[i] ?? '', source: `upload ${i}` });
    writeFileSync(join(dataDir, 'receipts', '2026-11-25', 'zzz.json'), '{"version":');
    const listed = await receipts.list();
    // Same millisecond: the order they were recorded in, not the hash order.
    expect(listed.receipts.map((r) => r.source)).toEqual(['upload 0', 'upload 1', 'upload 2']);
    expect(listed.unreadable).toEqual([join(dataDir, 'receipts', '2026-11-25', 'zzz.json')]);
  });
});

describe('data-dir lock: one server per data dir', () => {
  it('refuses a second lock while the first is held, and allows one after release', async () => {
    const dataDir = freshDir();
    const lock = await lockDataDir(dataDir);
    await expect(lockDataDir(dataDir)).rejects.toThrow(
      new RegExp(`is in use by another Ducha server \\(pid ${process.pid} on .*\\): stop it first, or start this one with another --data-dir`),
    );
    await lock.release();
    expect(readdirSync(dataDir)).toEqual([]);
    const again = await lockDataDir(dataDir);
    await again.release();
  });

  it('refuses a lock held by another live process', async () => {
    const dataDir = freshDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = other.pid ?? 0;
      writeFileSync(join(dataDir, 'ducha.lock'), lockFile(pid));
      await expect(lockDataDir(dataDir)).rejects.toThrow(`(pid ${pid} on ${hostname()}`);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it.each([
    ['a process that is gone', () => lockFile(deadPid())],
    ['this pid from an earlier life (a restarted container)', () => lockFile(process.pid)],
    ['an unreadable lock file', () => ''],
  ])('takes over a stale lock left by %s', async (_what, content) => {
    const dataDir = freshDir();
    writeFileSync(join(dataDir, 'ducha.lock'), content());
    const lock = await lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(readdirSync(dataDir)).toEqual(['ducha.lock']);
    await lock.release();
  });

  it('honours a lock from another machine (a shared folder), whose pid cannot be checked from here', async () => {
    const dataDir = freshDir();
    writeFileSync(join(dataDir, 'ducha.lock'), lockFile(deadPid(), 'head-office-2'));
    await expect(lockDataDir(dataDir)).rejects.toThrow('on head-office-2');
  });
});
