import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { CliIo } from './io';
import { validateCommand } from './commands/validate';
import { scoreCommand } from './commands/score';
import { pdfArgsSchema, pdfCommand } from './commands/pdf';
import { verifyCommand } from './commands/verify';
import { DEFAULT_STORE, exportCommand, importCommand, verifyBundleCommand } from './commands/bundle';

const usage = `督查 ducha — rubric tools

  ducha validate <rubric.json…>                        check rubric files; exit 1 on any problem
  ducha score --rubric <file> --answers <file> [--json] score an answers file against a rubric
  ducha pdf --rubric <file> --answers <file> --site <name> --auditor <name> [--date YYYY-MM-DD] --out <file.pdf>
                                                        an unsealed score sheet (未签章)
  ducha pdf --audit <export.json> --out <file.pdf>      the sealed sheet of an audit exported from the app
            [--fallback-font <file.ttf> | --no-fallback-font]
  ducha verify <file.pdf>                               valid (exit 0), tampered (1) or unsigned (2)
  ducha verify <bundle.ducha>                           every audit in a bundle: exit 0 only if all are valid
  ducha import <bundle…> [--store DIR]                  verified audits into the local store (default .ducha-store)
  ducha export [--store DIR] [--out b.ducha] [--csv audits.csv] [--units-csv units.csv]`;

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
            audit: { type: 'string' },
            site: { type: 'string' },
            auditor: { type: 'string' },
            date: { type: 'string' },
            out: { type: 'string' },
            'fallback-font': { type: 'string' },
            'no-fallback-font': { type: 'boolean' },
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
        const { positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: {} });
        const file = positionals[0];
        // A PDF is a score sheet; anything else is read as a bundle.
        return file !== undefined && !/\.pdf$/i.test(file)
          ? await verifyBundleCommand(file, io)
          : await verifyCommand(file, io);
      }
      case 'import': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: { store: { type: 'string' } },
        });
        return await importCommand(positionals, values.store ?? DEFAULT_STORE, io);
      }
      case 'export': {
        const { values } = parseArgs({
          args: [...rest],
          options: {
            store: { type: 'string' },
            out: { type: 'string' },
            csv: { type: 'string' },
            'units-csv': { type: 'string' },
          },
        });
        return await exportCommand(
          {
            store: values.store ?? DEFAULT_STORE,
            ...(values.out ? { out: values.out } : {}),
            ...(values.csv ? { csv: values.csv } : {}),
            ...(values['units-csv'] ? { unitsCsv: values['units-csv'] } : {}),
          },
          io,
        );
      }
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
