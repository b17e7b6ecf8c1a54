import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/server/db/migrations';
import { API_ROUTES, fastifyPathOf } from '../../src/server/http/api-routes';
import { errorCodeSchema } from '../../src/domain/wire';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { getJson } from './support/uploads';

const indexHtml = '<!doctype html><html lang="zh-CN"><title>督查</title><div id="root"></div></html>';

/** A built app as Vite lays it out: hashed files under assets/, fixed names at the top. */
function writeDist(dir: string): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), indexHtml);
  writeFileSync(join(dir, 'assets', 'index-B8S3t7Y2.js'), 'console.log("app")');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})');
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"督查 Ducha"}');
}

describe.each(BACKENDS)('one process serves the app and the API, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    const config = await backend.freshConfig();
    const distDir = join(config.dataDir, 'dist');
    writeDist(distDir);
    server = await startServer({ ...config, distDir }, { logger: false });
    url = server.url;
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('says it is up, on which database and schema version', async () => {
    const health = await getJson(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'ok',
      database: backendName === 'PGlite' ? 'pglite' : 'postgresql',
      schemaVersion: MIGRATIONS.length,
      version: '0.1.0',
    });
  });

  it('serves index.html and the fixed-name files revalidated, hashed assets cached for good', async () => {
    const cases: [string, string, string][] = [
      ['/', 'no-cache', 'text/html'],
      ['/sw.js', 'no-cache', 'javascript'],
      ['/manifest.webmanifest', 'no-cache', 'manifest'],
      ['/assets/index-B8S3t7Y2.js', 'public, max-age=31536000, immutable', 'javascript'],
    ];
    for (const [path, cacheControl, type] of cases) {
      const response = await fetch(`${url}${path}`);
      expect([path, response.status, response.headers.get('cache-control')]).toEqual([path, 200, cacheControl]);
      expect(response.headers.get('content-type')).toContain(type);
      await response.arrayBuffer();
    }
    const first = await fetch(`${url}/sw.js`);
    await first.text();
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    // As a browser revalidates (fetch() alone would add Cache-Control: no-cache, which forbids a 304).
    const revalidated = await fetch(`${url}/sw.js`, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } });
    expect(revalidated.status).toBe(304);
  });

  it('answers an app route with index.html, but a missing file or API path with a JSON 404', async () => {
    const route = await fetch(`${url}/audits/6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1a2b/review`);
    expect([route.status, route.headers.get('cache-control'), await route.text()]).toEqual([200, 'no-cache', indexHtml]);
    const missingAsset = await getJson(`${url}/assets/ScoringPage-gone.js`);
    expect([missingAsset.status, getAt(missingAsset.body, ['error', 'code'])]).toEqual([404, 'not-found']);
    const missingApi = await getJson(`${url}/api/nothing-here`);
    expect([missingApi.status, getAt(missingApi.body, ['error', 'code'])]).toEqual([404, 'not-found']);
    const post = await fetch(`${url}/audits/x`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('describes every API route in /api/openapi.json, from the schemas the handlers use', async () => {
    const doc = await getJson(`${url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect(getAt(doc.body, ['openapi'])).toBe('3.1.0');
    for (const route of Object.values(API_ROUTES)) {
      expect(getAt(doc.body, ['paths', route.path, route.method, 'summary'])).toBe(route.summary);
      expect(server.app.hasRoute({ method: route.method.toUpperCase(), url: fastifyPathOf(route) })).toBe(true);
    }
    expect(getAt(doc.body, ['components', 'schemas', 'Error', 'properties', 'error', 'properties', 'code', 'enum'])).toEqual(
      errorCodeSchema.options,
    );
    expect(getAt(doc.body, ['paths', '/api/audits', 'post', 'requestBody', 'content', 'application/json', 'schema'])).toEqual({
      $ref: '#/components/schemas/SealedEnvelope',
    });
    expect(getAt(doc.body, ['components', 'schemas', 'SealedEnvelope', 'required'])).toEqual(['payload', 'hash', 'signature']);
    expect(getAt(doc.body, ['paths', '/api/images/{sha256}', 'put', 'parameters', 0, 'schema', 'pattern'])).toBe('^[0-9a-f]{64}$');
    // Every reference points at a schema that is there.
    const refs = [...JSON.stringify(doc.body).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? '');
    for (const ref of new Set(refs)) expect(getAt(doc.body, ['components', 'schemas', ref])).toBeDefined();
  });

  // PGlite is one process's files; on PostgreSQL the data dir is shared (tests/server/multi-instance.test.ts).
  it.runIf(backendName === 'PGlite')('refuses a second server on the same embedded data dir, and the first keeps working', async () => {
    const config = await backend.freshConfig();
    const first = await startServer(config, { logger: false });
    try {
      await expect(startServer(config, { logger: false })).rejects.toThrow(/is in use by another Ducha server \(pid \d+/);
      expect((await getJson(`${first.url}/api/health`)).status).toBe(200);
    } finally {
      await first.close();
    }
    const again = await startServer(config, { logger: false });
    await again.close();
  }, 120_000);

  it('runs the API without a built app, and says so for app routes', async () => {
    const config = await backend.freshConfig();
    const bare = await startServer(config, { logger: false });
    try {
      const page = await getJson(`${bare.url}/`);
      expect([page.status, getAt(page.body, ['error', 'code'])]).toEqual([404, 'app-not-built']);
      expect((await getJson(`${bare.url}/api/health`)).status).toBe(200);
    } finally {
      await bare.close();
    }
  }, 120_000);
});
