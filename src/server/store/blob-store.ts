import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStorage } from './blob-storage';
import { makeDirDurably, SharedFolderSync, syncDir, writeDurably } from './durable-file';

/** About 7 MB of hex names at most. */
const MAX_KNOWN_DURABLE = 50_000;

export const isSha256Hex = (text: string): boolean => /^[0-9a-f]{64}$/.test(text);

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Bytes by their SHA-256, written whole and fsynced before anyone is told they are stored: the images and
 * every received envelope exactly as it arrived. Immutable by nature: the same name always holds the same
 * bytes, so a second write of the same content is a no-op, and the database can be rebuilt from here.
 */
export class BlobStore implements BlobStorage {
  /**
   * Blobs this process has seen durable: it wrote them through to a folder sync, or synced their folder after
   * finding them. Blobs are never removed while a server runs (only restore removes any, alone), so once
   * durable they stay durable; another instance renaming identical bytes over one changes nothing that a
   * power cut could lose (either name points at fsynced bytes). Bounded: forgetting only costs a folder sync.
   */
  private readonly knownDurable = new Set<string>();
  private readonly folderSync = new SharedFolderSync();

  private constructor(
    private readonly root: string,
    private readonly tmpDir: string,
  ) {}

  /** `<dataDir>/blobs/<first two hex digits>/<sha256>`; every shard folder made once, here, and synced together. */
  static async open(dataDir: string, tmpDir: string): Promise<BlobStore> {
    const root = join(dataDir, 'blobs');
    await makeDirDurably(root);
    let isNew = false;
    for (let shard = 0; shard < 256; shard++) {
      const made = await mkdir(join(root, shard.toString(16).padStart(2, '0')), { recursive: true });
      isNew ||= made !== undefined;
    }
    if (isNew) await syncDir(root);
    return new BlobStore(root, tmpDir);
  }

  private pathOf(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await access(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async read(sha256: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(sha256)));
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Stores the bytes durably unless they are already here; says which. */
  async put(bytes: Uint8Array): Promise<{ readonly sha256: string; readonly isNew: boolean }> {
    const sha256 = sha256Of(bytes);
    if (this.knownDurable.has(sha256)) return { sha256, isNew: false };
    if (await this.has(sha256)) {
      // Written by an attempt that may have died between its rename and its folder sync: sync before
      // anyone is told the bytes are here.
      await this.folderSync.sync(dirname(this.pathOf(sha256)));
      this.rememberDurable(sha256);
      return { sha256, isNew: false };
    }
    // The shard folders were made (durably) by open().
    await writeDurably(this.pathOf(sha256), bytes, this.tmpDir, { foldersExist: true, folderSync: this.folderSync });
    this.rememberDurable(sha256);
    return { sha256, isNew: true };
  }

  private rememberDurable(sha256: string): void {
    if (this.knownDurable.size >= MAX_KNOWN_DURABLE) this.knownDurable.clear();
    this.knownDurable.add(sha256);
  }

  /** Every stored name, shard by shard (temporary files live in the data dir's tmp folder, not here). */
  async *list(): AsyncIterable<string> {
    for (const shard of (await readdir(this.root)).sort())
      for (const name of (await readdir(join(this.root, shard))).sort()) if (isSha256Hex(name)) yield name;
  }
}
