import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { initAdminCommand } from '../../src/cli/commands/server-init-admin';
import type { ServerConfig } from '../../src/server/config';
import { startServer } from '../../src/server/start-server';
import { repoRoot } from '../support/load';
import { BACKENDS, useBackend } from './support/backends';
import { signIn } from './support/sessions';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

const password = (text: string) => ({ read: () => Promise.resolve(text) });

/** The flags that point the command at a backend's fresh database. */
const whereArgs = (config: ServerConfig): string[] => [
  '--data-dir',
  config.dataDir,
  ...(config.databaseUrl ? ['--database-url', config.databaseUrl] : []),
];

describe.each(BACKENDS)('ducha server init-admin, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let config: ServerConfig;

  beforeAll(async () => {
    config = await backend.freshConfig();
  }, 120_000);

  it('creates the first 总部管理员, who can then sign in; a second only with --force-another', async () => {
    const first = captured();
    expect(await initAdminCommand(['--username', 'hq', '--display-name', '总部', ...whereArgs(config)], {}, first.io, password('first admin password'))).toBe(0);
    expect(first.out.join('\n')).toMatch(/^总部管理员 hq \(总部\) created, id \d+/);

    const second = captured();
    expect(await initAdminCommand(['--username', 'hq2', ...whereArgs(config)], {}, second.io, password('second admin password'))).toBe(1);
    expect(second.err.join('\n')).toMatch(/an admin already exists.*--force-another/);
    const forced = captured();
    expect(await initAdminCommand(['--username', 'hq2', '--force-another', ...whereArgs(config)], {}, forced.io, password('second admin password'))).toBe(0);

    const server = await startServer(config, { logger: false });
    try {
      const hq = await signIn(server.url, 'hq', 'first admin password');
      const me = await fetch(`${server.url}/api/session`, { headers: hq.headers });
      expect(await me.json()).toMatchObject({ username: 'hq', displayName: '总部', role: 'admin' });
      // While the server runs: the embedded data dir is locked and the command says so; PostgreSQL takes it.
      const running = captured();
      const code = await initAdminCommand(['--username', 'hq3', '--force-another', ...whereArgs(config)], {}, running.io, password('third admin password'));
      if (backendName === 'PGlite') {
        expect(code).toBe(1);
        expect(running.err.join('\n')).toMatch(/is in use by another Ducha server \(pid \d+/);
      } else expect(code).toBe(0);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('refuses a short password, a missing username and a bad username with what is wrong, creating nothing', async () => {
    const fresh = await backend.freshConfig();
    const short = captured();
    expect(await initAdminCommand(['--username', 'hq', ...whereArgs(fresh)], {}, short.io, password('short'))).toBe(1);
    expect(short.err).toEqual(['server init-admin: the password must be at least 10 characters: nothing was created']);
    const missing = captured();
    expect(await initAdminCommand(whereArgs(fresh), {}, missing.io, password('long enough password'))).toBe(1);
    expect(missing.err[0]).toMatch(/--username <name> is required/);
    const bad = captured();
    expect(await initAdminCommand(['--username', "a' or 1=1", ...whereArgs(fresh)], {}, bad.io, password('long enough password'))).toBe(1);
    expect(bad.err[0]).toMatch(/^server init-admin: --username: must be 1–64 letters/);
    // Still no admin: the first proper run succeeds.
    expect(await initAdminCommand(['--username', 'hq', ...whereArgs(fresh)], {}, captured().io, password('long enough password'))).toBe(0);
  }, 120_000);
});

describe('npm run ducha -- server init-admin, as a process reading the password from stdin', () => {
  const backend = useBackend('PGlite');
  let config: ServerConfig;
  beforeAll(async () => {
    config = await backend.freshConfig();
  }, 120_000);

  it('creates the admin from the first line of stdin', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'server', 'init-admin', '--username', 'hq', '--data-dir', config.dataDir], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end('piped admin password\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect([code, output]).toEqual([0, expect.stringMatching(/总部管理员 hq \(hq\) created/)]);
    const server = await startServer(config, { logger: false });
    try {
      expect((await signIn(server.url, 'hq', 'piped admin password')).username).toBe('hq');
    } finally {
      await server.close();
    }
  }, 120_000);
});
