import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../../src/domain/wire';
import { openServices } from '../../../src/server/open-services';
import { spawnServer, type ChildServer } from '../../server/support/child-server';
import { addUser, signIn, TEST_PASSWORD, type SignedIn } from '../../server/support/sessions';
import { repoRoot } from './pages';

export { TEST_PASSWORD };

export interface Account {
  readonly userId: number;
  readonly username: string;
  readonly password: string;
}

/**
 * The real Ducha server (`src/server/main.ts`, the process `npm start` runs) as a child process on the embedded
 * database in a temp data dir, serving the production build the e2e global setup made (dist/). The app and the
 * API share its origin, as on a site that runs `npm start`.
 */
export interface RealServer {
  /** `http://127.0.0.1:<port>/`: the app; the API is under /api. */
  readonly url: string;
  /** The same without the trailing slash, for API calls. */
  readonly origin: string;
  readonly dataDir: string;
  readonly admin: Account;
  /** A new account, made by the admin over the API as head office would. */
  createUser(role: Role, options?: { readonly displayName?: string; readonly siteKeys?: readonly string[] }): Promise<Account>;
  /** The admin signed in over HTTP (cookie + CSRF header), for setting things up and checking what arrived. */
  adminApi(): Promise<SignedIn>;
  signIn(account: Account): Promise<SignedIn>;
  readonly process: () => ChildServer;
  /** SIGTERM, waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir (after stop or kill). */
  restart(): Promise<void>;
  /** Stops it (if running) and removes the data dir. */
  dispose(): Promise<void>;
}

let counter = 0;

/** A port nobody listens on now, for a server that must know its own address before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

export interface RealServerOptions {
  /** Configure --public-url as the server's own address, so the sheets tablets make name its 验证 page. */
  readonly publicUrl?: boolean;
}

export async function startRealServer(options: RealServerOptions = {}): Promise<RealServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ducha-e2e-server-'));
  counter += 1;
  const adminName = `admin${counter}`;
  // The first admin, as `ducha server init-admin` makes it: straight into the database, server not yet running.
  const opened = await openServices({ dataDir, databaseUrl: undefined });
  let admin: Account;
  try {
    admin = await addUser(opened.services.db, 'admin', { username: adminName, displayName: '总部管理员' });
  } finally {
    await opened.close();
  }
  const chosenPort = options.publicUrl === true ? await freePort() : 0;
  const publicUrl = chosenPort === 0 ? [] : ['--public-url', `http://127.0.0.1:${String(chosenPort)}`];
  const args = (port: number) => [
    '--data-dir', dataDir, '--dist-dir', join(repoRoot, 'dist'), '--log-level', 'warn', '--port', String(port), ...publicUrl,
  ];
  let child = await spawnServer(args(chosenPort));
  const port = Number(new URL(child.url).port);
  let running = true;
  const origin = `http://127.0.0.1:${port}`;
  const end = async (signal: NodeJS.Signals) => {
    if (!running) return;
    child.child.kill(signal);
    await child.exited;
    running = false;
  };
  const api = () => signIn(origin, admin.username, admin.password);
  return {
    url: `${origin}/`,
    origin,
    dataDir,
    admin,
    adminApi: api,
    signIn: (account) => signIn(origin, account.username, account.password),
    createUser: async (role, options = {}) => {
      counter += 1;
      const username = `${role}${counter}`;
      const session = await api();
      const response = await fetch(`${origin}/api/users`, {
        method: 'POST',
        headers: { ...session.headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          username,
          displayName: options.displayName ?? username,
          role,
          password: TEST_PASSWORD,
          ...(options.siteKeys ? { siteKeys: [...options.siteKeys] } : {}),
        }),
      });
      const body: unknown = await response.json();
      if (response.status !== 201) throw new Error(`creating ${username}: ${response.status} ${JSON.stringify(body)}`);
      const userId = typeof body === 'object' && body !== null && 'id' in body && typeof body.id === 'number' ? body.id : 0;
      return { userId, username, password: TEST_PASSWORD };
    },
    process: () => child,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGTERM');
      child = await spawnServer(args(port));
      running = true;
    },
    dispose: async () => {
      await end('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
