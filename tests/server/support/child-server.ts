import { spawn, type ChildProcess } from 'node:child_process';
import { z } from 'zod';
import { repoRoot } from '../../support/load';

const readyLineSchema = z.looseObject({ event: z.literal('ready'), port: z.number().int(), url: z.string() });

const running = new Set<ChildProcess>();

/** SIGKILLs every child server still running (a test that failed half-way must not leave one behind). */
export async function killStrayServers(): Promise<void> {
  const left = [...running];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => {
            resolve();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
}

export interface ChildServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** More node options before the script (the bench preloads its work counter with `--import`). */
  readonly nodeArgs?: readonly string[];
  /** Another checkout's server (the bench compares commits); this repository's by default. */
  readonly cwd?: string;
}

/**
 * `node --import tsx src/server/main.ts --port 0 …` as a child process, spawned directly (no npx wrapper, so a
 * signal reaches the server itself), resolved once it logs the JSON line with the port it got.
 */
export function spawnServer(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  options: SpawnOptions = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), 'src/server/main.ts', '--port', '0', ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return new Promise((resolve, reject) => {
    let pending = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          continue;
        }
        const ready = readyLineSchema.safeParse(json);
        if (ready.success)
          resolve({ url: ready.data.url, child, output: () => output, exited });
      }
    });
    void exited.then(({ code, signal }) => {
      reject(new Error(`the server exited before it was ready (code ${code}, signal ${signal}):\n${output}`));
    });
  });
}
