import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { makeDirDurably, SharedFolderSync, writeDurably } from './durable-file';

export const receiptSchema = z.strictObject({
  version: z.literal(1),
  /** The blob holding the envelope exactly as received. */
  envelopeSha256: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAt: z.iso.datetime({ offset: true }),
  source: z.string().max(500),
});
export type Receipt = z.infer<typeof receiptSchema>;

/**
 * One small fsynced file per envelope taken in, named so that names sort in the order intake decided them
 * (`receipts/<day>/<time>-<instance>-<sequence>-<sha256>.json`): an upload stamps and writes its receipt while
 * it holds its audit's and lineage's intake locks. The blob store alone has no order, and order decides which
 * of two seals of one audit came first: re-running intake over the receipts in this order rebuilds the
 * database as it was. Servers sharing the data dir each name theirs with their own instance id,
 * so no two ever write one name; receipts of one millisecond from two instances sort by instance id, an
 * order that is arbitrary but the same at every reindex (their clocks are only as close as NTP keeps them).
 */
export class ReceiptLog {
  private sequence = 0;
  private lastStamp = 0;
  /** Receipts being written now. */
  private writing = 0;
  /** Called when the last receipt being written is done, while a pause waits for them. */
  private onIdle: (() => void) | undefined;
  /** Set while new receipts wait (see whilePaused); resolves when they may go on. */
  private paused: Promise<void> | undefined;
  private readonly days = new Set<string>();
  private readonly folderSync = new SharedFolderSync();

  private constructor(
    private readonly root: string,
    private readonly tmpDir: string,
    private readonly instanceId: string,
  ) {}

  static async open(dataDir: string, tmpDir: string, instanceId: string): Promise<ReceiptLog> {
    if (!/^[A-Za-z0-9._]+(?:-[A-Za-z0-9._]+)*$/.test(instanceId))
      throw new Error(`not an instance id: ${instanceId}`);
    const root = join(dataDir, 'receipts');
    await makeDirDurably(root);
    return new ReceiptLog(root, tmpDir, instanceId);
  }

  /**
   * The time for a receipt about to be written: now, but never before the last one stamped here, so that a
   * clock stepped back (NTP) cannot name a later decision before an earlier one of the same audit.
   */
  stamp(): string {
    this.lastStamp = Math.max(Date.now(), this.lastStamp);
    return new Date(this.lastStamp).toISOString();
  }

  async record(receipt: Receipt): Promise<void> {
    const checked = receiptSchema.parse(receipt);
    while (this.paused) await this.paused;
    this.writing++;
    try {
      await this.write(checked);
    } finally {
      this.writing--;
      if (this.writing === 0) this.onIdle?.();
    }
  }

  /**
   * Runs `work` while this log writes no receipt: it starts once every receipt being written is on disk, and
   * receipts recorded meanwhile wait (their uploads are not answered) until it is done. The online backup
   * lists the receipts one last time and completes its file inside, so every upload this server answers
   * before the backup is complete is in it. Receipts written by other servers sharing the data dir are not
   * paused.
   */
  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    while (this.paused) await this.paused;
    let resume = (): void => undefined;
    this.paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    try {
      if (this.writing > 0)
        await new Promise<void>((resolve) => {
          this.onIdle = resolve;
        });
      this.onIdle = undefined;
      return await work();
    } finally {
      this.paused = undefined;
      resume();
    }
  }

  private async write(checked: Receipt): Promise<void> {
    const compact = checked.receivedAt.replace(/[-:.]/g, '');
    const day = checked.receivedAt.slice(0, 10);
    const dir = join(this.root, day);
    if (!this.days.has(day)) {
      await makeDirDurably(dir);
      this.days.add(day);
    }
    this.sequence++;
    const name = `${compact}-${this.instanceId}-${String(this.sequence).padStart(9, '0')}-${checked.envelopeSha256}.json`;
    await writeDurably(join(dir, name), JSON.stringify(checked), this.tmpDir, { foldersExist: true, folderSync: this.folderSync });
  }

  /** Every receipt in arrival order; a file that does not read as a receipt is reported, not guessed at. */
  async list(): Promise<{ readonly receipts: Receipt[]; readonly unreadable: string[] }> {
    const receipts: Receipt[] = [];
    const unreadable: string[] = [];
    const days = (await readdir(this.root)).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
    for (const day of days) {
      const names = (await readdir(join(this.root, day))).filter((n) => n.endsWith('.json')).sort();
      for (const name of names) {
        const file = join(this.root, day, name);
        let json: unknown;
        try {
          json = JSON.parse(await readFile(file, 'utf8'));
        } catch {
          unreadable.push(file);
          continue;
        }
        const parsed = receiptSchema.safeParse(json);
        if (parsed.success) receipts.push(parsed.data);
        else unreadable.push(file);
      }
    }
    return { receipts, unreadable };
  }
}
