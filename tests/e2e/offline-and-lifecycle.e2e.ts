import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import { AuditApp, eventually, fixtureGrades, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInOnTablet } from './support/tablet-sync';

let context: BrowserContext | undefined;
let server: RealServer | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
  await server?.dispose();
  server = undefined;
});

/** The service worker has installed (precache complete) and controls the page. */
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

describe('offline after one visit', () => {
  it('d. goes offline, reloads, then creates, scores, signs and finalises an audit', async () => {
    // Head office: the app is served from it, as on a site, so the tablet can sign in to it afterwards.
    server = await startRealServer();
    const headOffice = server;
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page, headOffice.url);
    await app.open();
    await waitForServiceWorker(app.page);
    // Installable: the manifest names the app in Chinese first and English, standalone, with icons.
    const manifest: unknown = await app.page.evaluate(async () => {
      const href = document.querySelector('link[rel="manifest"]')?.getAttribute('href') ?? '';
      const body: unknown = await (await fetch(href)).json();
      return body;
    });
    expect(manifest).toMatchObject({
      name: '督查 Ducha',
      short_name: '督查',
      lang: 'zh-CN',
      display: 'standalone',
    });
    expect(JSON.stringify(manifest)).toContain('icon-512.png');
    // The fuller CJK font arrives in the background after the first visit (not in the precache).
    await app.open('#/settings');
    await expect
      .poll(() => app.page.getByTestId('fuller-font-status').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('ready');
    await app.open();

    await context.setOffline(true);
    await app.page.reload();
    expect(await app.page.evaluate(() => navigator.onLine)).toBe(false);
    await expect.poll(() => text(app.page.locator('h1'))).toBe('考核记录');
    // Prove the network is really gone: a request the service worker does not cache fails.
    expect(
      await app.page.evaluate(() =>
        fetch('/not-precached.txt?x=1').then(
          () => 'reached',
          () => 'failed',
        ),
      ),
    ).toBe('failed');

    await app.newAudit({ rubric: 'KF01', site: '金地·燊海湾', auditor: '周堃' });
    // kf01-mixed: 10 + 8 + 3 + 0 + 8 + 6 + 20 + 5 + 不适用 + 3 = 63 of 95 → 66.3 %
    await app.gradeAll(fixtureGrades('kf01-mixed'));
    expect(await app.runningTotal()).toBe('得分 63 / 95');
    await app.page.getByTestId('to-review').click();
    await app.sign('auditor', '周堃');
    await app.sign('siteManager', '吴喆');
    await app.finalise();
    expect(await app.runningTotal()).toBe('得分 63 / 95');
    expect(await text(app.page.getByTestId('running-percent'))).toBe('得分率 66.3%');

    // The signed sheet, made on the device with no network, verifies from the PDF alone. 燊, 堃 and 喆 are
    // outside the embedded GB2312 font; the fuller font cached on the first visit draws them, offline.
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByTestId('download-sheet').click(),
    ]);
    expect(await app.page.getByTestId('missing-characters').count()).toBe(0);
    const pdfFile = join(mkdtempSync(join(tmpdir(), 'ducha-dl-')), download.suggestedFilename());
    await download.saveAs(pdfFile);
    expect(download.suggestedFilename()).toMatch(/^督办记录表KF01-金地·燊海湾-\d{4}-\d{2}-\d{2}-r1\.pdf$/);
    const cli = async (...args: string[]) => {
      const lines: string[] = [];
      const code = await runCli(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
      return { code, out: lines.join('\n') };
    };
    // Head office does not know this tablet yet: the pages are intact, but that proves only that some key signed.
    const unknown = await cli('verify', pdfFile, '--server', headOffice.origin);
    expect(unknown.out).toContain('intact, signer not enrolled (待确认签名)');
    expect(unknown.code).toBe(3);
    const printed = execFileSync('pdftotext', ['-raw', pdfFile, '-'], { encoding: 'utf8' }).replace(
      /\s+/g,
      '',
    );
    expect(printed).toContain('63/95得分率66.3%');
    expect(printed).toContain('被考核单位:金地·燊海湾');
    expect(printed).toContain('考核人:周堃');
    expect(printed).toContain('考核人签名:周堃');
    expect(printed).toContain('被考核单位负责人签名:吴喆');
    expect(printed).not.toContain('□');
    expect(printed).not.toContain('U+');

    // The tablet's 设置 shows its fingerprint; back online, its auditor signs in to head office, which enrols
    // the tablet's key (a signed challenge proves the tablet holds it), and the same sheet is now valid,
    // naming device and auditor.
    await app.open('#/settings');
    await expect
      .poll(() => text(app.page.getByTestId('key-fingerprint')))
      .toMatch(/^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
    const fingerprint = (await text(app.page.getByTestId('key-fingerprint'))).replace(/ /g, '');
    await context.setOffline(false);
    const auditorAccount = await headOffice.createUser('auditor', { displayName: '周堃' });
    await signInOnTablet(app.page, headOffice, auditorAccount, '前台平板 3');
    const valid = await cli('verify', pdfFile, '--server', headOffice.origin);
    expect(valid.out).toContain('valid — the pages show exactly what the seal says');
    expect(valid.out).toContain('前台平板 3 / 周堃');
    expect(valid.code).toBe(0);
    expect(unknown.out.replace(/ /g, '')).toContain(fingerprint);

    await app.open('#/');
    await expect.poll(() => app.page.getByTestId('unexported-count').getAttribute('data-count')).toBe('1');
  });
});

describe('finalised audits are fixed records', () => {
  it('e. cannot be edited; amending creates revision 2 and revision 1 stays exactly as it was', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF01', site: '招商·蛇口花园', auditor: '郑昇' });
    await app.gradeAll(fixtureGrades('kf01-all-compliant'));
    await app.page.getByTestId('note-7').fill('复述诉求完整');
    await app.open(`#/audits/${id}/review`);
    await app.sign('auditor', '郑昇');
    await app.sign('siteManager', '冯赟');
    await app.finalise();

    // Locked: every control is disabled and the store refuses writes even if forced.
    expect(await app.page.getByTestId('read-only').isVisible()).toBe(true);
    expect(await app.gradeButton('7', 'partly').isDisabled()).toBe(true);
    // The note is text now, not a field: nothing to type into.
    expect(await app.page.getByTestId('note-7').evaluate((el) => el.tagName)).toBe('P');
    expect(await text(app.page.getByTestId('note-7'))).toBe('复述诉求完整');
    expect(await app.page.locator('main textarea').count()).toBe(0);
    expect(await app.page.getByTestId('gallery-7').count()).toBe(0);
    await app.gradeButton('7', 'partly').click({ force: true });
    expect(await app.runningTotal()).toBe('得分 100 / 100');

    await app.page.getByTestId('amend').click();
    await app.page.getByTestId('amend-reason').fill('第 7 项应为一般符合');
    await app.page.getByTestId('amend-confirm').click();
    await app.page.waitForURL((url) => !url.hash.includes(id));
    await expect
      .poll(() => text(app.page.getByTestId('revision-info')))
      .toBe('修订 2(更正原因:第 7 项应为一般符合)');
    const rev2 = /#\/audits\/([0-9a-f-]{36})/.exec(app.page.url())?.[1];
    expect(rev2).not.toBe(id);
    // Revision 2 starts from revision 1's answers, unsigned.
    expect(await app.page.getByTestId('note-7').inputValue()).toBe('复述诉求完整');
    await app.grade('7', 'partly'); // 25 × 0.6 = 15 → 90
    expect(await app.runningTotal()).toBe('得分 90 / 100');

    // The list shows the latest revision, with the history.
    await app.open('#/');
    const row = app.page.getByTestId('audit-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('data-audit-id')).toBe(rev2);
    expect(await text(row.getByTestId('row-total'))).toBe('90 / 100');
    await row.locator('summary').click();
    await row.locator('[data-testid="history-link"][data-revision="1"]').click();

    // Revision 1 is exactly as it was finalised.
    await eventually(async () => {
      expect(await app.runningTotal()).toBe('得分 100 / 100');
    });
    expect(await text(app.page.getByTestId('audit-status'))).toBe('已定稿');
    expect(await app.gradeButton('7', 'compliant').getAttribute('aria-pressed')).toBe('true');
    // Already corrected: it links to revision 2 instead of offering another correction.
    expect(await app.page.getByTestId('amend').count()).toBe(0);
    expect(await app.page.getByTestId('next-revision').getAttribute('href')).toBe(`#/audits/${rev2 ?? ''}`);
    await app.open(`#/audits/${id}/review`);
    await eventually(async () => {
      expect(await app.page.getByTestId('signature-image').count()).toBe(2);
    });
  });
});
