import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll } from 'vitest';
import { serverConfigSchema, type ServerConfig } from '../../../src/server/config';
import { pgliteDirOf } from '../../../src/server/db/open-database';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';

export const BACKENDS = ['PGlite', 'PostgreSQL'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface Backend {
  readonly name: BackendName;
  /** A fresh data dir and (PostgreSQL) a fresh, empty database: nothing shared with any other config. */
  freshConfig(overrides?: Partial<ServerConfig>): Promise<ServerConfig>;
}

let template: { readonly root: string; readonly ready: Promise<string> } | undefined;

/**
 * An embedded database just made by initdb, once per describe: PGlite's initdb takes 3–8 s here, opening
 * a copy of its result 0.3 s. A copy is exactly what a first start leaves in <dataDir>/pglite.
 */
function pgliteTemplate(): Promise<string> {
  if (!template) {
    const root = mkdtempSync(join(tmpdir(), 'ducha-pglite-template-'));
    const ready = (async () => {
      const db = await PGlite.create(join(root, 'pglite'));
      await db.close();
      return join(root, 'pglite');
    })();
    template = { root, ready };
  }
  return template.ready;
}

/** Removed after each describe (test workers are not given the chance to clean up at exit). */
function removePgliteTemplate(): void {
  if (template) rmSync(template.root, { recursive: true, force: true });
  template = undefined;
}

/**
 * Registers the hooks of one backend in the surrounding describe: for PostgreSQL a real cluster started by
 * this file (beforeAll) and stopped (afterAll); temporary data dirs removed afterwards either way.
 */
export function useBackend(name: BackendName): Backend {
  const dirs: string[] = [];
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    if (name === 'PostgreSQL') cluster = await startPostgresCluster();
  }, 120_000);
  afterAll(async () => {
    removePgliteTemplate();
    await cluster?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  return {
    name,
    freshConfig: async (overrides = {}) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ducha-server-'));
      dirs.push(dataDir);
      let databaseUrl: string | undefined;
      if (name === 'PGlite') cpSync(await pgliteTemplate(), pgliteDirOf(dataDir), { recursive: true });
      if (name === 'PostgreSQL') {
        if (!cluster) throw new Error('the PostgreSQL cluster did not start');
        databaseUrl = await cluster.createDatabase();
      }
      return serverConfigSchema.parse({
        host: '127.0.0.1',
        port: 0,
        dataDir,
        databaseUrl,
        distDir: join(dataDir, 'no-dist'),
        logLevel: 'silent',
        ...overrides,
      });
    },
  };
}
