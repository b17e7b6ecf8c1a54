import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  auditFactFromEnvelope,
  sealedAuditFileSchema,
  type AuditFact,
  type SealedAuditFile,
} from '../domain/index';

/**
 * The CLI's local store: one JSON file per sealed audit (envelope + images) under `<dir>/audits/`.
 * Files are written to a temporary name and renamed, so a crash never leaves half an audit.
 */
export class FileStore {
  constructor(readonly dir: string) {}

  private fileOf(auditId: string): string {
    return join(this.dir, 'audits', `${auditId.replace(/[^0-9a-zA-Z-]/g, '_')}.json`);
  }

  async get(auditId: string): Promise<SealedAuditFile | undefined> {
    const file = this.fileOf(auditId);
    if (!existsSync(file)) return undefined;
    const parsed = sealedAuditFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file}: the stored audit does not match the schema`);
    return parsed.data;
  }

  async put(entry: SealedAuditFile): Promise<void> {
    const file = this.fileOf(entry.envelope.payload.audit.id);
    await mkdir(join(this.dir, 'audits'), { recursive: true });
    await writeFile(`${file}.tmp`, JSON.stringify(entry));
    await rename(`${file}.tmp`, file);
  }

  async all(): Promise<SealedAuditFile[]> {
    const dir = join(this.dir, 'audits');
    if (!existsSync(dir)) return [];
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    const entries: SealedAuditFile[] = [];
    for (const name of names) {
      const parsed = sealedAuditFileSchema.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
      if (!parsed.success) throw new Error(`${join(dir, name)}: the stored audit does not match the schema`);
      entries.push(parsed.data);
    }
    return entries;
  }

  async facts(): Promise<AuditFact[]> {
    return (await this.all()).map((e) => auditFactFromEnvelope(e.envelope));
  }
}
