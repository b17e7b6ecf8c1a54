import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, repoRoot, text } from './support/pages';

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

const FULLER_FONT_URL = '**/fonts/wqy-microhei.ttf';

async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active?.state !== 'activated') {
      await new Promise<void>((resolve) =>
        registration.active?.addEventListener('statechange', () => {
          resolve();
        }),
      );
    }
  });
}

const fullerFontStatus = (app: AuditApp) =>
  app.page.getByTestId('fuller-font-status').getAttribute('data-status');

/** Makes the sheet (a draft preview), confirming the □ warning when it appears; the PDF's text, whitespace removed. */
async function makeSheet(app: AuditApp, confirm: boolean): Promise<string> {
  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    (async () => {
      await app.page.getByTestId('download-sheet').click();
      if (confirm)
        await app.page.getByTestId('missing-characters').getByRole('button', { name: '仍然生成' }).click();
    })(),
  ]);
  const file = join(mkdtempSync(join(tmpdir(), 'ducha-fonts-')), download.suggestedFilename());
  await download.saveAs(file);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(
    /\s+/g,
    '',
  );
}

describe('rare name characters on sheets made in the app', () => {
  it('the fuller font is not precached and arrives in the background into a cache of its own', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    await app.open();
    await waitForServiceWorker(app.page);
    // The precache list holds the GB2312 subset but not the 4.6 MB fuller font.
    const sw = await app.page.evaluate(async () => (await fetch('/sw.js')).text());
    expect(sw).toContain('NotoSansSC-Regular-subset.ttf');
    expect(sw).not.toContain('wqy-microhei');
    await app.open('#/settings');
    await expect.poll(() => fullerFontStatus(app), { timeout: 60_000 }).toBe('ready');
    expect(await text(app.page.getByTestId('fuller-font-status'))).toBe('已下载,离线可用');
    const cached = await app.page.evaluate(async () => {
      const names = (await caches.keys()).filter((name) => name.startsWith('ducha-fuller-font-'));
      const cache = await caches.open(names[0] ?? 'none');
      const hit = await cache.match('/fonts/wqy-microhei.ttf');
      return { names, size: hit ? (await hit.arrayBuffer()).byteLength : 0 };
    });
    expect(cached).toEqual({ names: ['ducha-fuller-font-1284f6cc9d51'], size: 4_626_376 });
  });

  it('before the fuller font is here (a broken download is refused): □ with code points, named first; once fetched, the real characters', async () => {
    const launched = await launch(newProfileDir(), undefined, { timezoneId: 'Asia/Urumqi' });
    context = launched.context;
    // Only half the font arrives (a broken connection): it fails the SHA-256 check and is neither used nor kept.
    const font = readFileSync(join(repoRoot, 'public', 'fonts', 'wqy-microhei.ttf'));
    await context.route(FULLER_FONT_URL, (route) =>
      route.fulfill({ status: 200, contentType: 'font/ttf', body: font.subarray(0, font.length / 2) }),
    );
    const app = new AuditApp(launched.page);
    await app.open('#/settings');
    await expect.poll(() => fullerFontStatus(app), { timeout: 30_000 }).toBe('absent');
    expect(await text(app.page.getByTestId('fuller-font-status'))).toBe('尚未下载:联网时自动下载(约 4.6 MB)');
    const entries = await app.page.evaluate(async () => {
      let count = 0;
      for (const name of await caches.keys())
        count += (await (await caches.open(name)).keys()).filter((r) =>
          r.url.endsWith('/fonts/wqy-microhei.ttf'),
        ).length;
      return count;
    });
    expect(entries).toBe(0);
    const id = await app.newAudit({ rubric: 'KF01', site: '金地·燊海湾', auditor: '周堃' });
    await app.open(`#/audits/${id}/review`);

    await app.page.getByTestId('download-sheet').click();
    await expect.poll(() => text(app.page.getByTestId('missing-list'))).toBe('燊 (U+71CA)、堃 (U+5803)');
    expect(await app.page.getByTestId('fuller-font-absent').count()).toBe(1);
    await app.page.getByTestId('missing-characters').getByRole('button', { name: '取消' }).click();
    const boxed = await makeSheet(app, true);
    expect(boxed).toContain('被考核单位:金地·□海湾');
    expect(boxed).toContain('U+71CA、U+5803');
    // The sheet prints this device's zone, named.
    expect(boxed).toMatch(/考核时间:\d{4}年\d{2}月\d{2}日\d{2}:\d{2}\(Asia\/Urumqi,UTC\+06:00\)/);

    // A font an earlier app version cached is dropped once the current one is in.
    await app.page.evaluate(async () => {
      await (await caches.open('ducha-fuller-font-000000000000')).put('/fonts/old.ttf', new Response('old'));
    });
    // The whole font reachable again: making the sheet fetches it (and caches it), and nothing is missing.
    await context.unroute(FULLER_FONT_URL);
    const whole = await makeSheet(app, false);
    expect(whole).toContain('被考核单位:金地·燊海湾');
    expect(whole).toContain('考核人:周堃');
    expect(whole).not.toContain('□');
    await app.open('#/settings');
    await expect.poll(() => fullerFontStatus(app)).toBe('ready');
    expect(
      await app.page.evaluate(async () =>
        (await caches.keys()).filter((name) => name.startsWith('ducha-fuller-font-')),
      ),
    ).toEqual(['ducha-fuller-font-1284f6cc9d51']);
  });

  it('offline with the fuller font cached: only a character outside it too (䶮) is □, listed with its code point', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    await app.open('#/settings');
    await waitForServiceWorker(app.page);
    await expect.poll(() => fullerFontStatus(app), { timeout: 60_000 }).toBe('ready');
    await context.setOffline(true);
    await app.page.reload();
    const id = await app.newAudit({ rubric: 'KF01', site: '金地·燊海湾', auditor: '刘䶮' });
    await app.open(`#/audits/${id}/review`);
    await app.page.getByTestId('download-sheet').click();
    await expect.poll(() => text(app.page.getByTestId('missing-list'))).toBe('䶮 (U+4DAE)');
    // The fuller font is here: no advice to download it.
    expect(await app.page.getByTestId('fuller-font-absent').count()).toBe(0);
    await app.page.getByTestId('missing-characters').getByRole('button', { name: '取消' }).click();
    const printed = await makeSheet(app, true);
    expect(printed).toContain('被考核单位:金地·燊海湾');
    expect(printed).toContain('考核人:刘□');
    expect(printed).toContain('U+4DAE');
    expect(printed).not.toContain('U+71CA');
  });
});
