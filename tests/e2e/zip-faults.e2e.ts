import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { craftZip, localEntry, type CraftEntry } from '../support/craft-zip';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';

const file = (name: string, bytes: Uint8Array): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'ducha-e2e-zip-')), name);
  writeFileSync(path, bytes);
  return path;
};

const manifest: CraftEntry = {
  name: 'manifest.json',
  data: strToU8(
    JSON.stringify({ format: 'ducha.bundle', version: 2, createdAt: '2026-12-01T00:00:00.000Z', audits: [], counts: { audits: 0, rubrics: 0, images: 0 } }),
  ),
};
const strayName = `images/${'ab'.repeat(32)}`;

describe('head office is told what is wrong with a zip, and what in it no audit uses', () => {
  let server: RealServer;
  let context: BrowserContext;
  let app: AuditApp;
  beforeAll(async () => {
    server = await startRealServer();
    const launched = await launch(newProfileDir(), { width: 1024, height: 768 });
    context = launched.context;
    app = new AuditApp(launched.page, server.url);
    await app.page.goto(`${server.url}#/dashboard`);
    await signInBrowser(app.page, server.admin);
    await app.page.reload();
  }, 120_000);
  afterAll(async () => {
    await context.close();
    await server.dispose();
  });

  it('a hidden local copy: refused whole by the server, naming the entry and the byte; a stray image: listed, nothing refused', async () => {
    // The hidden copy is 30 + 13 (name) + 2 ("{}") = 45 bytes at offset 0, before the listed manifest.
    const hidden = file('hidden.ducha', craftZip([{ ...manifest, before: localEntry({ name: 'manifest.json', data: strToU8('{}') }) }]));
    const stray = file('stray.ducha', craftZip([manifest, { name: strayName, data: Uint8Array.of(0xff, 0xd8, 0xff, 0xd9) }]));
    await app.page.getByTestId('import-file').setInputFiles([hidden, stray]);
    const results = app.page.getByTestId('import-result');
    await eventually(async () => {
      expect(await results.count()).toBe(2);
      expect(await app.page.getByTestId('import-working').count()).toBe(0);
    });
    const refused = await text(results.nth(0).getByTestId('import-error'));
    expect(refused).toContain('上传失败，服务器未接收此文件：');
    expect(refused).toContain('manifest.json');
    expect(await results.nth(1).getByTestId('upload-refused').count()).toBe(0);
    expect(await results.nth(1).getByTestId('upload-unused').getAttribute('data-count')).toBe('1');
    expect(await text(results.nth(1).getByTestId('upload-unused-entry'))).toContain(strayName);
  });
});
