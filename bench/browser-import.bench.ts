// npm run bench:browser — the head-office path in real Chromium: import the 10,000-audit bundle through the
// dashboard's file picker, then time the dashboard after the import and after reopening the page.
// Needs `npm run build` first (the production app with its service worker) and Debian's chromium.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { chromiumArgs, chromiumExecutable } from '../tests/support/chromium';
import { deviceKeyFileSchema, keyFingerprint } from '../src/domain/index';

const root = join(import.meta.dirname, '..');
// The format-2 set `npm run bench` generates, with its devices' key files: enrolled first (not timed), so the
// import measures audits that count, not audits held for an unknown signer.
const bundle = process.argv[2] ?? join(root, '.tmp', 'formats-10000-0-v2.ducha');
const keysDir = process.argv[3] ?? join(root, '.tmp', 'formats-10000-0-keys');
if (!existsSync(bundle) || !existsSync(keysDir))
  throw new Error(`${bundle} or ${keysDir} is missing: run npm run bench once (it generates the data set)`);
if (!existsSync(join(root, 'dist', 'index.html')))
  throw new Error('dist/ is missing: run npm run build first');

const port = 4356;
// In this process, not `npx vite preview`: killing an npx child kills only the wrapper and left the
// preview server holding the port after every run.
const server = await preview({
  root,
  preview: { host: '127.0.0.1', port, strictPort: true },
  logLevel: 'warn',
});
try {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ducha-bench-')), {
    executablePath: chromiumExecutable,
    headless: true,
    viewport: { width: 1366, height: 1024 },
    args: chromiumArgs,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/#/dashboard`);
  await page.getByTestId('import-file').waitFor();
  const keyFiles = readdirSync(keysDir).filter((n) => n.endsWith('.ducha-key'));
  for (const name of keyFiles) {
    const file = deviceKeyFileSchema.parse(JSON.parse(readFileSync(join(keysDir, name), 'utf8')));
    await page.getByTestId('key-file').setInputFiles(join(keysDir, name));
    await page.getByTestId('confirm-fingerprint').fill(keyFingerprint(file.publicKey));
    await page.getByTestId('enrol-key').click();
    await page.getByTestId('key-candidate').waitFor({ state: 'detached' });
  }
  process.stderr.write(`enrolled ${keyFiles.length} device keys\n`);
  let start = Date.now();
  await page.getByTestId('import-file').setInputFiles(bundle);
  await page.getByTestId('import-stored').waitFor({ timeout: 30 * 60_000 });
  const importMs = Date.now() - start;
  const stored = (await page.getByTestId('import-stored').textContent()) ?? '';
  start = Date.now();
  await page.getByTestId('in-view').waitFor({ timeout: 120_000 });
  const viewMs = Date.now() - start;
  start = Date.now();
  await page.reload();
  await page.getByTestId('in-view').waitFor({ timeout: 120_000 });
  const reopenMs = Date.now() - start;
  process.stdout.write(
    [
      `Head office in Chromium (${bundle}):`,
      `  import through the file picker (verify every seal, store): ${(importMs / 1000).toFixed(1)} s (goal ≤ 15 s) — ${stored}`,
      `  dashboard shown after the import: ${viewMs} ms`,
      `  reopening the dashboard (load page, read every fact, aggregate): ${reopenMs} ms (goal ≤ 500 ms)`,
      '',
    ].join('\n'),
  );
  await context.close();
} finally {
  await server.close();
}
