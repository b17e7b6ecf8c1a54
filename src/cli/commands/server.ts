import { parseArgs } from 'node:util';
import { formatIssue } from '../../domain/index';
import { parseServerConfig } from '../../server/config';
import { reindex } from '../../server/intake/reindex';
import { openServices } from '../../server/open-services';
import { writeBackup } from '../../server/ops/backup';
import { restoreBackup } from '../../server/ops/restore';
import { runServerProcess } from '../../server/run-server-process';
import { StartupError } from '../../server/startup-error';
import type { CliIo } from '../io';
import { initAdminCommand, stdinPassword } from './server-init-admin';
import { serverRubricsCommand, serverSitesCommand } from './server-downsync';
import { serverKeysCommand, serverUsersCommand } from './server-accounts';
import { serverExportCommand, serverImportCommand } from './server-exchange';
import { serverKpiCommand } from './server-kpi';

export const serverUsage = `  ducha server start [--port 4173] [--host 127.0.0.1] [--data-dir ./data] [--database-url postgres://…]
                     [--tls-cert cert.pem --tls-key key.pem] [--trust-proxy off|127.0.0.1,10.0.0.0/24]
                                                        the app and the API (DATABASE_URL also read from the environment)
  ducha server reindex [--data-dir …] [--database-url …]
                                                        rebuild received audits from the blob store (server stopped)
  ducha server backup --out <file.tar> [--data-dir …] [--database-url …]
                                                        one consistent file: every table, the receipts, the blobs they name
  ducha server restore <file.tar> [--data-dir …] [--database-url …] [--force]
                                                        into an empty target (PGlite or PostgreSQL); --force replaces`;

/** The target of an operation: the same flags and variables as `server start`. */
function targetOf(values: { 'data-dir'?: string | undefined; 'database-url'?: string | undefined }, io: CliIo) {
  const argv = [
    ...(values['data-dir'] ? ['--data-dir', values['data-dir']] : []),
    ...(values['database-url'] ? ['--database-url', values['database-url']] : []),
  ];
  const config = parseServerConfig(argv, process.env);
  if (!config.ok) for (const issue of config.issues) io.err(`server: ${formatIssue(issue)}`);
  return config.ok ? config.value : undefined;
}

/**
 * `ducha server start | reindex | backup | restore`. Every operation that opens the embedded database goes
 * through openServices, which takes the data-dir lock: none runs beside a server on the same data dir.
 */
export async function serverCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'start') {
    await runServerProcess(rest);
    return 0;
  }
  if (sub === 'init-admin') return await initAdminCommand(rest, process.env, io, stdinPassword);
  if (sub === 'sites') return await serverSitesCommand(rest, process.env, io);
  if (sub === 'rubrics') return await serverRubricsCommand(rest, process.env, io);
  if (sub === 'users') return await serverUsersCommand(rest, process.env, io, stdinPassword);
  if (sub === 'keys') return await serverKeysCommand(rest, process.env, io);
  if (sub === 'import') return await serverImportCommand(rest, io);
  if (sub === 'export') return await serverExportCommand(rest, io);
  if (sub === 'kpi') return await serverKpiCommand(rest, process.env, io);
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const target = targetOf(values, io);
  if (!target) return 2;
  try {
    switch (sub) {
      case 'reindex': {
        const opened = await openServices(target);
        try {
          const report = await reindex(opened.services);
          io.out(
            `reindexed ${report.receipts} receipts: ${report.accepted} accepted, ${report.held} held, ${report.conflicts} conflicts, ${report.refused} refused`,
          );
          for (const damage of report.damaged) io.err(`damaged: ${damage}`);
          for (const skip of report.skipped) io.err(`skipped: ${skip}`);
          return report.damaged.length > 0 ? 1 : 0;
        } finally {
          await opened.close();
        }
      }
      case 'backup': {
        if (!values.out) {
          io.err('server backup: --out <file.tar> is required');
          return 2;
        }
        const opened = await openServices(target);
        try {
          const manifest = await writeBackup(opened.services, values.out);
          const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
          io.out(`backup ${values.out}: schema ${manifest.schemaVersion}, ${rows} rows in ${manifest.tables.length} tables, ${manifest.blobs} blobs, ${manifest.receipts} receipts`);
          return 0;
        } finally {
          await opened.close();
        }
      }
      case 'restore': {
        const file = positionals[0];
        if (!file) {
          io.err('server restore: name the backup file');
          return 2;
        }
        const report = await restoreBackup(target, file, { force: values.force });
        io.out(`restored ${file} (schema ${report.manifest.schemaVersion}, made ${report.manifest.createdAt}): ${report.rows} rows, ${report.blobs} blobs`);
        return 0;
      }
      default:
        io.err(`server: use server start | init-admin | users | sites | keys | rubrics | kpi | import | export | reindex | backup | restore\n\n${serverUsage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof StartupError) {
      io.err(`server ${sub ?? ''}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
