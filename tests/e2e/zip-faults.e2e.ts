import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { craftZip, localEntry, type CraftEntry } from '../support/craft-zip';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';

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

describe('the dashboard says what is wrong with a zip, and what in it no audit uses', () => {
  let context: BrowserContext;
  let app: AuditApp;
  beforeAll(async () => {
    const launched = await launch(newProfileDir(), { width: 1024, height: 768 });
    context = launched.context;
    app = new AuditApp(launched.page);
  });
  afterAll(async () => {
    await context.close();
  });

  it('a hidden local copy: refused as damaged, with the entry and the byte; a stray image: listed, nothing refused', async () => {
    // The hidden copy is 30 + 13 (name) + 2 ("{}") = 45 bytes at offset 0, before the listed manifest.
    const hidden = file('hidden.ducha', craftZip([{ ...manifest, before: localEntry({ name: 'manifest.json', data: strToU8('{}') }) }]));
    const stray = file('stray.ducha', craftZip([manifest, { name: strayName, data: Uint8Array.of(0xff, 0xd8, 0xff, 0xd9) }]));
    await app.open('#/dashboard');
    await app.page.getByTestId('import-file').setInputFiles([hidden, stray]);
    const results = app.page.getByTestId('import-result');
    await eventually(async () => {
      expect(await results.count()).toBe(2);
      expect(await app.page.getByTestId('import-working').count()).toBe(0);
    });
    expect({
      headline: await text(results.nth(0).locator('[data-testid="import-error"] > p')),
      problems: await results.nth(0).getByTestId('import-problem').allTextContents(),
    }).toEqual({
      headline: '数据包已损坏,未写入任何数据。',
      problems: ['zip 文件结构有误（manifest.json，第 0 字节）：文件已损坏或被改动，未导入任何内容。'],
    });
    expect(await text(results.nth(1).getByTestId('import-unused'))).toBe('未被任何考核使用的文件 1 个');
    expect(await results.nth(1).getByTestId('import-refused').count()).toBe(0);
    expect(await text(results.nth(1).getByTestId('import-unused-problem'))).toBe(
      `数据包中的 ${strayName} 没有被其中任何考核使用，未导入。`,
    );
  });
});
