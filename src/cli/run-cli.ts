import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CliIo } from './io';
import { validateCommand } from './commands/validate';
import { scoreCommand } from './commands/score';
import { pdfArgsSchema, pdfCommand } from './commands/pdf';
import { verifyCommand } from './commands/verify';
import { rankingCommand, rankingUsage } from './commands/ranking';
import { FileStore } from './file-store';
import { DEFAULT_STORE, exportCommand, importCommand, parseSize, verifyBundleCommand } from './commands/bundle';
import { DEFAULT_BUNDLE_LIMITS, type BundleLimits } from '../domain/head-office';
import {
  heldCommand,
  keysAddCommand,
  keysListCommand,
  keysRevokeCommand,
  rubricsAcceptCommand,
} from './commands/keys';
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
            [--fallback-font <file.ttf> | --no-fallback-font] [--tz Asia/Shanghai]
                                                        times are printed in --tz (default Asia/Shanghai), named
  ducha verify <file.pdf…> [--store DIR]                valid (0): the pages are what the seal says and the signer is
                                                        enrolled in the store's key register; tampered or refused (1);
                                                        unsigned (2); cannot check or signer not enrolled (3)
  ducha verify <bundle.ducha> [--store DIR] [--max-size 2G]
                                                        every audit in a bundle and who signed it: exit 0 only if
                                                        all are valid and signed by enrolled keys (3: signer not enrolled)
  ducha import <bundle…> [--store DIR] [--max-size 2G]  verified audits into the local store (default .ducha-store);
                                                        exit 1 on refused or conflicting audits, 3 when some are held
  ducha keys add <file.ducha-key> --fingerprint "<as the tablet shows it>" [--label …] [--auditor …] [--store DIR]
  ducha keys list [--store DIR]                         the key register, and unknown keys with held audits
  ducha keys revoke "<fingerprint>" [--reason …] [--store DIR]
  ducha rubrics accept <rubric.json> [--store DIR]      a rubric version beyond the shipped ones counts from now on
  ducha held [--store DIR]                              audits held aside (待确认签名 …) and conflicts, with both sides
  ducha export [--store DIR] [--out b.ducha] [--format 2|1] [--csv audits.csv] [--units-csv units.csv] [--tz Asia/Shanghai]
                                                        bundles are format 2 (zip) unless --format 1 (JSON);
                                                        import and verify read both, by content
${serverUsage}
  ${initAdminUsage}
  ${serverDownSyncUsage}
  ${serverAccountsUsage}
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
          options: { store: { type: 'string' }, 'max-size': { type: 'string' } },
        });
        if (positionals.length === 0) return await verifyCommand(undefined, io);
        const limits = limitsFrom(values['max-size'], io);
        if (!limits) return 1;
        // Every file is checked; the worst outcome is the exit code (tampered 1 over unknown signer 3 over unsigned 2).
        const rank = (code: number) => [0, 2, 3, 1].indexOf(code);
        let worst = 0;
        for (const file of positionals) {
          // A PDF is a score sheet; anything else is read as a bundle.
          const code = /\.pdf$/i.test(file)
            ? await verifyCommand(file, io, { register: await new FileStore(values.store ?? DEFAULT_STORE).keys() })
            : await verifyBundleCommand(file, values.store ?? DEFAULT_STORE, io, limits);
          if (rank(code) > rank(worst)) worst = code;
        }
        return worst;
      }
      case 'ranking':
        return await rankingCommand(rest, process.env, io);
      case 'keys': {
        const [sub, ...args] = rest;
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: {
            store: { type: 'string' },
            fingerprint: { type: 'string' },
            label: { type: 'string' },
            auditor: { type: 'string' },
            reason: { type: 'string' },
          },
        });
        const store = values.store ?? DEFAULT_STORE;
        if (sub === 'add')
          return await keysAddCommand(
            positionals[0],
            { store, fingerprint: values.fingerprint, label: values.label, auditor: values.auditor },
            io,
          );
        if (sub === 'list') return await keysListCommand({ store }, io);
        if (sub === 'revoke') return await keysRevokeCommand(positionals[0], { store, reason: values.reason }, io);
        io.err('keys: use keys add | keys list | keys revoke');
        return 1;
      }
      case 'rubrics': {
        const [sub, ...args] = rest;
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { store: { type: 'string' } },
        });
        if (sub === 'accept') return await rubricsAcceptCommand(positionals[0], { store: values.store ?? DEFAULT_STORE }, io);
        io.err('rubrics: use rubrics accept <rubric.json>');
        return 1;
      }
      case 'held': {
        const { values } = parseArgs({ args: [...rest], options: { store: { type: 'string' } } });
        return await heldCommand({ store: values.store ?? DEFAULT_STORE }, io);
      }
      case 'import': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: { store: { type: 'string' }, 'max-size': { type: 'string' } },
        });
        const limits = limitsFrom(values['max-size'], io);
        if (!limits) return 1;
        return await importCommand(positionals, values.store ?? DEFAULT_STORE, io, limits);
      }
      case 'export': {
        const { values } = parseArgs({
          args: [...rest],
          options: {
            store: { type: 'string' },
            out: { type: 'string' },
            csv: { type: 'string' },
            'units-csv': { type: 'string' },
            format: { type: 'string' },
            tz: { type: 'string' },
          },
        });
        if (values.format !== undefined && values.format !== '1' && values.format !== '2') {
          io.err(`export: --format is 2 (zip, the default) or 1 (JSON), not "${values.format}"`);
          return 1;
        }
        return await exportCommand(
          {
            store: values.store ?? DEFAULT_STORE,
            ...(values.out ? { out: values.out } : {}),
            ...(values.csv ? { csv: values.csv } : {}),
            ...(values['units-csv'] ? { unitsCsv: values['units-csv'] } : {}),
            ...(values.format === '1' ? { format: 1 as const } : {}),
            ...(values.tz ? { timeZone: values.tz } : {}),
          },
          io,
        );
      }
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
