import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CliIo } from './io';
import { validateCommand } from './commands/validate';
import { scoreCommand } from './commands/score';
import { pdfArgsSchema, pdfCommand } from './commands/pdf';
import { verifyCommand } from './commands/verify';
import { parseSize, verifyBundleCommand } from './commands/bundle';
import { rankingCommand, rankingUsage } from './commands/ranking';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from '../domain/head-office';
import { whereOf } from './commands/server-database';
import { databaseSignerSource, serverSignerSource } from './signer-sources';
import { serverExchangeUsage } from './commands/server-exchange';
import { serverCommand, serverUsage } from './commands/server';
import { initAdminUsage } from './commands/server-init-admin';
import { serverDownSyncUsage } from './commands/server-downsync';
import { serverAccountsUsage } from './commands/server-accounts';
import { serverKpiUsage } from './commands/server-kpi';

const usage = `督查 ducha — rubric tools

  ducha validate <rubric.json…>                        check rubric files; exit 1 on any problem
  ducha score --rubric <file> --answers <file> [--json] score an answers file against a rubric
  ducha pdf --rubric <file> --answers <file> --site <name> --auditor <name> [--date YYYY-MM-DD] --out <file.pdf>
                                                        an unsealed score sheet (未签章)
  ducha pdf --audit <export.json> --out <file.pdf>      the sealed sheet of an audit exported from the app
  ducha pdf --audit <dir|export.json> [--audit …] --out <dir>
                                                        one sealed sheet per export (a directory: its *.json files)
            [--fallback-font <file.ttf> | --no-fallback-font] [--tz Asia/Shanghai] [--public-url URL]
                                                        times are printed in --tz (default Asia/Shanghai), named;
                                                        a sealed sheet names --public-url's 验证 page (QR, footer)
  ducha verify <file.pdf…> [--server URL | --data-dir DIR | --database-url URL]
                                                        valid (0): the pages are what the seal says and head office
                                                        says the signer is enrolled; tampered or refused (1);
                                                        unsigned (2); cannot check, signer not enrolled, or no head
                                                        office named (3). --server (or DUCHA_SERVER) asks a running
                                                        server; --data-dir / DATABASE_URL read its key register
  ducha verify <bundle.ducha> [--server URL | --data-dir DIR] [--max-size 2G]
                                                        every audit in a bundle and who signed it: exit 0 only if
                                                        all are valid and signed by enrolled keys (3: signer not enrolled)
${serverUsage}
  ${initAdminUsage}
  ${serverDownSyncUsage}
  ${serverAccountsUsage}
  ${serverExchangeUsage}
  ${serverKpiUsage}
  ${rankingUsage}`;

/** The whole-file limit from `--max-size` (default 2 GiB); the other limits stay at their defaults. */
function limitsFrom(text: string | undefined, io: CliIo): BundleLimits | undefined {
  const size = parseSize(text);
  if (size === undefined) return DEFAULT_BUNDLE_LIMITS;
  if (!Number.isFinite(size) || size <= 0) {
    io.err(`--max-size must be a size such as 500M or 2G, not "${text ?? ''}"`);
    return undefined;
  }
  return { ...DEFAULT_BUNDLE_LIMITS, maxFileBytes: size, maxTotalBytes: Math.max(DEFAULT_BUNDLE_LIMITS.maxTotalBytes, size) };
}

const scoreArgsSchema = z.strictObject({
  rubric: z.string({ error: 'score: --rubric <file> is required' }).min(1),
  answers: z.string({ error: 'score: --answers <file> is required' }).min(1),
  json: z.boolean().default(false),
});

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate': {
        const { positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: {} });
        return await validateCommand(positionals, io);
      }
      case 'score': {
        const { values } = parseArgs({
          args: [...rest],
          options: { rubric: { type: 'string' }, answers: { type: 'string' }, json: { type: 'boolean' } },
        });
        const options = scoreArgsSchema.safeParse(values);
        if (!options.success) {
          for (const issue of options.error.issues) io.err(issue.message);
          return 1;
        }
        return await scoreCommand(options.data, io);
      }
      case 'pdf': {
        const { values } = parseArgs({
          args: [...rest],
          options: {
            rubric: { type: 'string' },
            answers: { type: 'string' },
            audit: { type: 'string', multiple: true },
            site: { type: 'string' },
            auditor: { type: 'string' },
            date: { type: 'string' },
            out: { type: 'string' },
            'fallback-font': { type: 'string' },
            'no-fallback-font': { type: 'boolean' },
            tz: { type: 'string' },
            'public-url': { type: 'string' },
          },
        });
        const options = pdfArgsSchema.safeParse(values);
        if (!options.success) {
          for (const issue of options.error.issues) io.err(issue.message);
          return 1;
        }
        return await pdfCommand(options.data, io);
      }
      case 'verify': {
        const { positionals, values } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: {
            server: { type: 'string' },
            'data-dir': { type: 'string' },
            'database-url': { type: 'string' },
            'max-size': { type: 'string' },
          },
        });
        if (positionals.length === 0) return await verifyCommand(undefined, io);
        const limits = limitsFrom(values['max-size'], io);
        if (!limits) return 1;
        const server = values.server ?? (process.env.DUCHA_SERVER || undefined);
        const isDatabase = values['data-dir'] !== undefined || values['database-url'] !== undefined;
        if (server !== undefined && isDatabase) {
          io.err('verify: name head office once: --server URL, or --data-dir / --database-url on the server itself');
          return 1;
        }
        // Stateless: who signed is head office's answer, asked of the running server or read from its data.
        const signers = server !== undefined
          ? serverSignerSource(server)
          : isDatabase
            ? await databaseSignerSource(whereOf(values, process.env), io)
            : undefined;
        if (isDatabase && signers === undefined) return 3;
        // Every file is checked; the worst outcome is the exit code (tampered 1 over unknown signer 3 over unsigned 2).
        const rank = (code: number) => [0, 2, 3, 1].indexOf(code);
        let worst = 0;
        for (const file of positionals) {
          // A PDF is a score sheet; anything else is read as a bundle.
          const code = /\.pdf$/i.test(file)
            ? await verifyCommand(file, io, { requireSigner: true, ...(signers ? { signers } : {}) })
            : await verifyBundleCommand(file, signers, io, limits);
          if (rank(code) > rank(worst)) worst = code;
        }
        return worst;
      }
      case 'ranking':
        return await rankingCommand(rest, process.env, io);
      case 'kpi':
      case 'keys':
      case 'rubrics':
      case 'held':
      case 'import':
      case 'export':
        // The CLI's own store is gone: head office is the server (one key register, one held list).
        io.err(
          `${command}: the command line keeps no store of its own any more; head office is the server: use ducha server import | export | keys | kpi import | reindex (see ducha help)`,
        );
        return 1;
      case 'server':
        return await serverCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.out(usage);
        return command === undefined ? 1 : 0;
      default:
        io.err(`unknown command "${command}"\n\n${usage}`);
        return 1;
    }
  } catch (error) {
    // parseArgs throws on unknown flags; that is bad input, not a crash.
    if (
      error instanceof TypeError &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`${command ?? ''}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
