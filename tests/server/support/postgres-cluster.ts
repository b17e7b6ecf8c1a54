import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** initdb and pg_ctl of PostgreSQL 15 (Debian's package, or a symlink to it on PATH). */
function findBinDir(): string {
  const candidates = [
    '/usr/lib/postgresql/15/bin',
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort()
          .reverse()
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []),
    ...(process.env.PATH ?? '').split(':'),
  ];
  const found = candidates.find((dir) => dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found)
    throw new Error(
      'PostgreSQL is not installed here (no initdb in /usr/lib/postgresql/*/bin or on PATH): the server tests run against a real PostgreSQL. Install it with `apt-get install -y postgresql` (.ci/run does).',
    );
  return found;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => { resolve(port); });
    });
  });
}

export interface PostgresCluster {
  readonly version: string;
  /** A fresh, empty database on the cluster; its URL. */
  createDatabase(): Promise<string>;
  /** Ends every connection to `database` but this helper's own, as pg_terminate_backend does; how many. */
  terminateConnections(database: string): Promise<number>;
  /** SIGKILLs the postmaster (its backends then exit by themselves), as a crash of the database server. */
  killPostmaster(): Promise<void>;
  /** Starts the cluster again on the same port and data dir after killPostmaster (crash recovery runs). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster: initdb in a temp dir, started on a free port on 127.0.0.1 with its socket
 * in the same dir, stopped (immediate) and removed by stop(). PostgreSQL refuses to run as root, so as root
 * it runs as the `postgres` user that Debian's package creates.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'ducha-pg-'));
  const dataDir = join(dir, 'data');
  const isRoot = userInfo().uid === 0;
  const asOwner = async (command: string, args: readonly string[]) => {
    if (!isRoot) return run(join(bin, command), [...args]);
    return run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]);
  };
  if (isRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
  await asOwner('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  const port = await freePort();
  try {
    await asOwner('pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-k ${dir} -h 127.0.0.1 -p ${port}`, 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const connectAdmin = async () => {
    const client = new pg.Client({ connectionString: urlOf('postgres') });
    // Killing the postmaster ends this connection too; the test process must not die of it.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  let admin = await connectAdmin();
  let isDown = false;
  const startAgain = () =>
    asOwner('pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', `-k ${dir} -h 127.0.0.1 -p ${port}`, 'start']);
  const { rows } = await admin.query<{ server_version: string }>('show server_version');
  let count = 0;
  return {
    version: rows[0]?.server_version ?? 'unknown',
    createDatabase: async () => {
      count++;
      const name = `ducha_test_${count}`;
      await admin.query(`create database ${name}`);
      return urlOf(name);
    },
    terminateConnections: async (database) => {
      const { rows: ended } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [database],
      );
      return ended.length;
    },
    killPostmaster: async () => {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      isDown = true;
      await admin.end().catch(() => undefined);
    },
    restart: async () => {
      // The killed postmaster's backends notice and exit within moments; until then its shared memory is in
      // use and a start is refused.
      for (let attempt = 1; ; attempt++) {
        try {
          await startAgain();
          break;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      isDown = false;
      admin = await connectAdmin();
    },
    stop: async () => {
      await admin.end().catch(() => undefined);
      try {
        // A cluster whose postmaster was killed and not restarted has nothing left to stop.
        if (!isDown) await asOwner('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
