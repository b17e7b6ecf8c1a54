// The server the upload bench measures: `src/server/main.ts` in a child process of its own (so the clients'
// work does not compete with it for one event loop), on a fresh data dir and database, with the bench's
// auditors and their tablets' keys put in while it is stopped (as `ducha server init-admin` does).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { SealSigner } from '../../src/domain/index';
import { openServices, type OpenServices } from '../../src/server/open-services';
import { spawnServer, type ChildServer } from '../../tests/server/support/child-server';
import { addUser, signIn, type SignedIn } from '../../tests/server/support/sessions';
import { enrol } from '../../tests/server/support/uploads';

/**
 * The per-account upload limit (default 600 a minute) raised so the bench measures the server, not the
 * limiter: 50 accounts at full speed may send far more than a real tablet catching up does.
 */
export const UPLOADS_PER_MINUTE = 1_000_000;

const workCountsSchema = z.object({
  event: z.literal('work-counts'),
  statements: z.number(),
  fsyncs: z.number(),
  sha256Passes: z.number(),
  sha256Bytes: z.number(),
  signatureChecks: z.number(),
  bigJsonParses: z.number(),
});
export type WorkCounts = Omit<z.infer<typeof workCountsSchema>, 'event'>;

export interface ServerUnderTest {
  readonly url: string;
  readonly pid: number;
  readonly clients: readonly SignedIn[];
  /** The totals of bench/support/count-server-work.ts so far (only when started with `count`). */
  workCounts(): Promise<WorkCounts>;
  /** Stops the child (SIGTERM) for the bench to open the database itself; `start()` again after. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The data dir and database opened in this process while the child is stopped. */
  openDirectly(): Promise<OpenServices>;
  dispose(): Promise<void>;
}

export interface ServerOptions {
  readonly databaseUrl: string | undefined;
  /** One tablet per client: client i is an auditor with tablet i's key enrolled to them. */
  readonly tablets: readonly SealSigner[];
  /** A checkout whose server to run instead of this one's (`--against`). */
  readonly cwd?: string | undefined;
  /** Preload the work counter. */
  readonly count?: boolean;
  readonly logLevel?: string;
  /** Where the child writes its V8 CPU profile when it stops (node --cpu-prof). */
  readonly cpuProfileDir?: string | undefined;
}

export async function startServerUnderTest(options: ServerOptions): Promise<ServerUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ducha-bench-server-'));
  const config = { dataDir, databaseUrl: options.databaseUrl };
  const openDirectly = () => openServices(config);
  const accounts: { username: string; password: string }[] = [];
  const setup = await openDirectly();
  try {
    for (const [i, tablet] of options.tablets.entries()) {
      const user = await addUser(setup.services.db, 'auditor', { username: `auditor-${i}`, displayName: `督查员 ${i}` });
      await enrol(setup.services.db, tablet, `督查员 ${i}`, user.userId);
      accounts.push(user);
    }
  } finally {
    await setup.close();
  }
  const args = [
    '--data-dir',
    dataDir,
    '--dist-dir',
    join(dataDir, 'none'),
    '--log-level',
    options.logLevel ?? 'silent',
    '--uploads-per-minute',
    String(UPLOADS_PER_MINUTE),
  ];
  const env: Record<string, string> = options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {};
  const nodeArgs = [
    ...(options.count ? ['--import', join(import.meta.dirname, 'count-server-work.ts')] : []),
    ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : []),
  ];
  const spawnOptions = { ...(options.cwd ? { cwd: options.cwd } : {}), nodeArgs };
  let child: ChildServer = await spawnServer(args, env, spawnOptions);
  let isRunning = true;
  const clients: SignedIn[] = [];
  for (const account of accounts) clients.push(await signIn(child.url, account.username, account.password));
  const stop = async () => {
    if (!isRunning) return;
    child.child.kill('SIGTERM');
    await child.exited;
    isRunning = false;
  };
  return {
    url: child.url,
    get pid() {
      const { pid } = child.child;
      if (pid === undefined) throw new Error('the server has no pid');
      return pid;
    },
    clients,
    workCounts: async () => {
      const before = child.output().length;
      child.child.kill('SIGUSR2');
      for (let waited = 0; waited < 5000; waited += 20) {
        for (const line of child.output().slice(before).split('\n')) {
          if (!line.startsWith('{')) continue;
          const parsed = workCountsSchema.safeParse(JSON.parse(line));
          if (parsed.success) {
            const { event: _event, ...counts } = parsed.data;
            return counts;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`the server did not report its work counts (started without --count?):\n${child.output().slice(-2000)}`);
    },
    stop,
    start: async () => {
      if (isRunning) return;
      // The same port: the clients' base URL stays right.
      child = await spawnServer([...args, '--port', new URL(child.url).port], env, spawnOptions);
      isRunning = true;
    },
    openDirectly,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
