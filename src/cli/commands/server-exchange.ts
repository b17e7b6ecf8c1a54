import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BundleV2Writer, formatIssue } from '../../domain/head-office';
import { sealedEnvelopeSchema } from '../../domain/index';
import { parseServerConfig, type ServerConfig } from '../../server/config';
import { auditsCsvOf, isTimeZone, unitsCsvOf } from '../../server/head-office/csv';
import { ingestBundle } from '../../server/intake/ingest-bundle';
import { openServices } from '../../server/open-services';
import type { ServerServices } from '../../server/services';
import { StartupError } from '../../server/startup-error';
import type { CliIo } from '../io';

export const serverExchangeUsage = `ducha server import <bundle.ducha…> [--data-dir …] [--database-url …]
                                                        bundles into head office, through the server's own intake
                                                        (as POST /api/bundles): exit 1 on refused or conflicting
                                                        audits, 3 when some are held (待确认签名 …)
  ducha server export --out <b.ducha> | --csv <audits.csv> --rubric KF01 [--units-csv <units.csv>] [--tz Asia/Shanghai]
                                                        every accepted revision as a bundle (format 2); CSVs of one rubric`;

const CONNECTION = { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } as const;

function targetOf(values: { 'data-dir'?: string | undefined; 'database-url'?: string | undefined }, io: CliIo): ServerConfig | undefined {
  const argv = [
    ...(values['data-dir'] ? ['--data-dir', values['data-dir']] : []),
    ...(values['database-url'] ? ['--database-url', values['database-url']] : []),
  ];
  const config = parseServerConfig(argv, process.env);
  if (!config.ok) for (const issue of config.issues) io.err(`server: ${formatIssue(issue)}`);
  return config.ok ? config.value : undefined;
}

/**
 * Opens the server's data (taking the data-dir lock for the embedded database: refused while a server runs
 * on it, which then takes bundles over POST /api/bundles or the 导入 screen instead).
 */
async function withServices(target: ServerConfig, io: CliIo, label: string, work: (services: ServerServices) => Promise<number>): Promise<number> {
  try {
    const opened = await openServices(target);
    try {
      return await work(opened.services);
    } finally {
      await opened.close();
    }
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    io.err(`${label}: ${error.message}`);
    return 1;
  }
}

/** `ducha server import <bundle…>`: the same decision and repositories as POST /api/bundles (from an admin). */
export async function serverImportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: CONNECTION });
  if (positionals.length === 0) {
    io.err(`server import: name a bundle, e.g. ducha server import auditor-1.ducha\n\n  ${serverExchangeUsage}`);
    return 1;
  }
  const target = targetOf(values, io);
  if (!target) return 2;
  return withServices(target, io, 'server import', async (services) => {
    let problems = 0;
    let held = 0;
    for (const file of positionals) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch (error) {
        io.err(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
        problems++;
        continue;
      }
      const result = await ingestBundle(services, bytes, `ducha server import ${file}`);
      if (!result.ok) {
        for (const issue of result.issues) io.err(`${file}: ${formatIssue(issue)} (nothing taken in)`);
        problems++;
        continue;
      }
      const count = { stored: 0, unchanged: 0, held: 0, conflict: 0, refused: 0 };
      for (const audit of result.audits) {
        count[audit.status]++;
        io.out(`${file}: ${audit.status} audits[${String(audit.index)}]${audit.auditId ? ` ${audit.auditId}` : ''}${audit.message ? `: ${audit.message}` : ''}`);
      }
      io.out(
        `${file}: ${String(count.stored)} stored, ${String(count.unchanged)} unchanged, ${String(count.held)} held, ${String(count.conflict)} conflicts, ${String(count.refused)} refused`,
      );
      problems += count.conflict + count.refused;
      held += count.held;
    }
    return problems > 0 ? 1 : held > 0 ? 3 : 0;
  });
}

/** `ducha server export`: what head office holds, as a bundle another head office (or a tablet) reads. */
export async function serverExportCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...CONNECTION, out: { type: 'string' }, csv: { type: 'string' }, 'units-csv': { type: 'string' }, rubric: { type: 'string' }, tz: { type: 'string' } },
  });
  if (!values.out && !values.csv && !values['units-csv']) {
    io.err(`server export: give --out <bundle.ducha>, --csv <audits.csv> and/or --units-csv <units.csv>\n\n  ${serverExchangeUsage}`);
    return 1;
  }
  const { rubric } = values;
  if ((values.csv || values['units-csv']) && rubric === undefined) {
    io.err('server export: a CSV is of one rubric: give --rubric KF01 (or KF02, KF3, …)');
    return 1;
  }
  const timeZone = values.tz ?? 'Asia/Shanghai';
  if (!isTimeZone(timeZone)) {
    io.err(`server export: --tz ${timeZone} is not a time zone this machine knows (e.g. Asia/Shanghai, UTC)`);
    return 1;
  }
  const target = targetOf(values, io);
  if (!target) return 2;
  return withServices(target, io, 'server export', async (services) => {
    if (values.out) {
      const written = await writeBundleOf(services, values.out);
      io.out(`${values.out}: ${String(written)} audits (bundle format 2)`);
    }
    if (rubric !== undefined) {
      const filter = { rubricId: rubric };
      if (values.csv) {
        const csv = await auditsCsvOf(services.db, filter, { kind: 'all' }, timeZone);
        await writeFile(values.csv, csv);
        io.out(`${values.csv}: ${String(Math.max(0, csv.trimEnd().split('\n').length - 1))} audits`);
      }
      if (values['units-csv']) {
        const csv = await unitsCsvOf(services.db, filter, { kind: 'all' }, timeZone);
        await writeFile(values['units-csv'], csv);
        io.out(`${values['units-csv']}: ${String(Math.max(0, csv.trimEnd().split('\n').length - 1))} unit rows`);
      }
    }
    return 0;
  });
}

/**
 * Every accepted revision, its envelope exactly as received and its images from the blob store, streamed
 * beside the target and renamed, so a failed export leaves no half file. Returns the number of audits.
 */
async function writeBundleOf(services: ServerServices, out: string): Promise<number> {
  const rows = await services.db
    .selectFrom('accepted_revisions')
    .select(['audit_id', 'envelope_sha256'])
    .orderBy('received_at')
    .orderBy('audit_id')
    .execute();
  const partial = `${out}.partial`;
  const handle = await open(partial, 'w');
  try {
    let pending: Uint8Array[] = [];
    const flush = async () => {
      for (const chunk of pending) await handle.write(chunk);
      pending = [];
    };
    const writer = new BundleV2Writer((chunk) => pending.push(chunk), new Date().toISOString());
    for (const row of rows) {
      const bytes = await services.blobs.read(row.envelope_sha256);
      if (!bytes) throw new Error(`audit ${row.audit_id}: its envelope ${row.envelope_sha256} is missing from the blob store (run ducha server reindex)`);
      const envelope = sealedEnvelopeSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
      const images = new Map<string, Uint8Array>();
      for (const blob of envelope.payload.blobs) {
        const image = await services.blobs.read(blob.sha256);
        if (!image) throw new Error(`audit ${row.audit_id}: its image ${blob.sha256} is missing from the blob store`);
        images.set(blob.id, image);
      }
      writer.add(envelope, images);
      await flush();
    }
    writer.finish();
    await flush();
  } finally {
    await handle.close();
  }
  await rename(partial, out);
  return rows.length;
}
