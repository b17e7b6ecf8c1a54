import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { makeDirDurably, writeDurably } from './durable-file';

export const receiptSchema = z.strictObject({
  version: z.literal(1),
  /** The blob holding the envelope exactly as received. */
  envelopeSha256: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAt: z.iso.datetime({ offset: true }),
  source: z.string().max(500),
});
export type Receipt = z.infer<typeof receiptSchema>;

/**
 * One small fsynced file per envelope taken in, named so that names sort in arrival order
 * (`receipts/<day>/<time>-<sequence>-<sha256>.json`). The blob store alone has no order, and order decides
 * which of two seals of one audit came first: re-running intake over the receipts in this order rebuilds
 * the database as it was.
 */
export class ReceiptLog {
  private sequence = 0;
  private readonly days = new Set<string>();

  private constructor(
    private readonly root: string,
    private readonly tmpDir: string,
  ) {}

  static async open(dataDir: string, tmpDir: string): Promise<ReceiptLog> {
    const root = join(dataDir, 'receipts');
    await makeDirDurably(root);
    return new ReceiptLog(root, tmpDir);
  }

  async record(receipt: Receipt): Promise<void> {
    const checked = receiptSchema.parse(receipt);
    const compact = checked.receivedAt.replace(/[-:.]/g, '');
    const day = checked.receivedAt.slice(0, 10);
    const dir = join(this.root, day);
    if (!this.days.has(day)) {
      await makeDirDurably(dir);
      this.days.add(day);
    }
    this.sequence++;
    const name = `${compact}-${String(this.sequence).padStart(9, '0')}-${checked.envelopeSha256}.json`;
    await writeDurably(join(dir, name), JSON.stringify(checked), this.tmpDir);
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
