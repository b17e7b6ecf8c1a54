import { readFile } from 'node:fs/promises';
import { fail, ok, type Result } from '../domain/index';

/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Reads and parses a JSON file; a missing file or broken JSON is an issue at the root, not an exception. */
export async function readJsonFile(file: string): Promise<Result<unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'file not found' : String(error);
    return fail([{ path: '(file)', message: reason }]);
  }
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return ok(value);
  } catch (error) {
    return fail([
      {
        path: '(root)',
        message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      },
    ]);
  }
}
