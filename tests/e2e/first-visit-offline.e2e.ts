import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { seriousViolations } from './support/a11y';
import { startAppServer, type AppServer } from './support/app-server';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, fixtureGrades, text } from './support/pages';

let context: BrowserContext | undefined;
let server: AppServer | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
  await server?.close();
  server = undefined;
});

/** Marks this document: the mark survives anything but a reload (or a new page). */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    Reflect.set(window, 'e2eSameDocument', true);
  });
}
const isSameDocument = (page: Page): Promise<boolean> =>
  page.evaluate(() => Reflect.get(window, 'e2eSameDocument') === true);

/** Offline for real: a request nothing has cached fails. */
const networkReachable = (page: Page): Promise<boolean> =>
  page.evaluate(() =>
    fetch(`/not-precached.txt?${String(Math.random())}`).then(
      () => true,
      () => false,
    ),
  );

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name });

/** Every screen opens by its link, the way an auditor moves, and an audit is started and graded. */
async function useEveryScreenOffline(app: AuditApp): Promise<void> {
  const { page } = app;
  await nav(page, '总部看板').click();
  await expect.poll(() => text(page.locator('main h1'))).toBe('总部看板');
  await nav(page, '设置').click();
  await expect.poll(() => text(page.locator('main h1'))).toBe('设置');
  await nav(page, '新建考核').click();
  await expect.poll(() => text(page.locator('main h1'))).toBe('新建考核');
  await app.startAudit({ rubric: 'KF01', site: '万科·城市花园', auditor: '李明' });
  // kf01-mixed: 10 + 8 + 3 + 0 + 8 + 6 + 20 + 5 + 不适用 + 3 = 63 of 95
  await app.gradeAll(fixtureGrades('kf01-mixed'));
  expect(await app.runningTotal()).toBe('得分 63 / 95');
  await page.getByTestId('to-review').click();
  await expect.poll(() => text(page.locator('main h1'))).toContain('复核并定稿');
  await nav(page, '考核记录').click();
  await expect.poll(() => page.getByTestId('audit-row').count()).toBe(1);
  expect(await page.getByTestId('screen-error').count()).toBe(0);
}

describe('a new auditor goes offline before ever reloading the app', () => {
  it('the first service worker controls the page that installed it: every screen works offline', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    await app.open();
    await expect.poll(() => text(app.page.locator('h1'))).toBe('考核记录');
    await markDocument(app.page);
    expect(await app.page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    // The worker installs (precaching every chunk) and claims this page: no reload, no second visit.
    await expect
      .poll(() => app.page.evaluate(() => navigator.serviceWorker.controller?.state ?? 'none'), {
        timeout: 30_000,
      })
      .toBe('activated');
    expect(await isSameDocument(app.page)).toBe(true);
    // A first install is not an update: nothing asks the auditor to reload.
    expect(await app.page.getByTestId('update-prompt').count()).toBe(0);

    await context.setOffline(true);
    expect(await networkReachable(app.page)).toBe(false);
    await useEveryScreenOffline(app);
    expect(await isSameDocument(app.page)).toBe(true);
  });

  it('with no service worker at all, the screens fetched after the first paint still open offline', async () => {
    // As on a browser that refuses service workers (or before the worker finished installing).
    const launched = await launch(newProfileDir(), undefined, { serviceWorkers: 'block' });
    context = launched.context;
    const app = new AuditApp(launched.page);
    await app.open();
    await expect.poll(() => text(app.page.locator('h1'))).toBe('考核记录');
    await markDocument(app.page);
    await app.page.locator('html[data-screens-preloaded="true"]').waitFor({ state: 'attached' });
    expect(await app.page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();

    await context.setOffline(true);
    expect(await networkReachable(app.page)).toBe(false);
    await useEveryScreenOffline(app);
    expect(await isSameDocument(app.page)).toBe(true);
  });
});

describe('a screen whose code cannot be fetched', () => {
  it('says so in Chinese (English in en) with 重试; the other screens still work; 重试 opens it in place', async () => {
    const launched = await launch(newProfileDir(), undefined, { serviceWorkers: 'block' });
    context = launched.context;
    const app = new AuditApp(launched.page);
    const { page } = app;
    let isBlocked = true;
    let refused = 0;
    await context.route(/\/assets\/NewAuditPage-[\w-]+\.js$/, (route) => {
      if (!isBlocked) return route.continue();
      refused++;
      return route.abort('internetdisconnected');
    });
    await app.open();
    await expect.poll(() => text(page.locator('h1'))).toBe('考核记录');
    await markDocument(page);

    await nav(page, '新建考核').click();
    const error = page.getByTestId('screen-error');
    await expect
      .poll(() => text(error.locator('p')))
      .toBe(
        '无法打开这个页面:它还没有下载到本设备,现在又连不上服务器。已保存的考核不受影响。请连接网络后点“重试”。',
      );
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await text(error.getByRole('button'))).toBe('重试');
    expect(await seriousViolations(page)).toEqual([]);

    // Not stuck: another screen opens, and coming back shows the same explanation, not a blank page.
    await nav(page, '设置').click();
    await expect.poll(() => text(page.locator('main h1'))).toBe('设置');
    expect(await error.count()).toBe(0);
    // Each visit and each 重试 asks the network again (a failure is not kept), and says so again.
    let asked = refused;
    await nav(page, '新建考核').click();
    await expect.poll(() => refused).toBe(asked + 1);
    await expect.poll(() => error.count()).toBe(1);
    asked = refused;
    await error.getByRole('button', { name: '重试' }).click();
    await expect.poll(() => refused).toBe(asked + 1);
    await expect.poll(() => error.count()).toBe(1);

    await page.getByTestId('language-switch').click();
    await expect
      .poll(() => text(error.locator('p')))
      .toBe(
        'This screen cannot be opened: it is not on this device yet and the server cannot be reached. Saved audits are not affected. Connect to the network, then press Retry.',
      );
    expect(await text(error.getByRole('button'))).toBe('Retry');
    await page.getByTestId('language-switch').click();

    isBlocked = false;
    await error.getByRole('button', { name: '重试' }).click();
    await expect.poll(() => text(page.locator('main h1'))).toBe('新建考核');
    expect(await error.count()).toBe(0);
    expect(await isSameDocument(page)).toBe(true);
    await app.startAudit({ rubric: 'KF01', site: '保利·香槟国际', auditor: '赵敏' });
    await app.grade('1', 'compliant');
    // Item 1 of KF01 is worth 10; the running total counts graded items only.
    expect(await app.runningTotal()).toBe('得分 10 / 10');
    expect(await isSameDocument(page)).toBe(true);
  });
});

describe('a score sheet whose code cannot be fetched', () => {
  it('says so in Chinese with 重试, and 重试 makes the sheet once the code can be fetched', async () => {
    const launched = await launch(newProfileDir(), undefined, { serviceWorkers: 'block' });
    context = launched.context;
    const app = new AuditApp(launched.page);
    const { page } = app;
    let isBlocked = true;
    // The code that makes sheets: the sheet worker's script, and the page's own copy for when no worker starts.
    await context.route(/\/assets\/(sheet-worker|make-sheet)-[\w-]+\.js$/, (route) =>
      isBlocked ? route.abort('internetdisconnected') : route.continue(),
    );
    await app.newAudit({ rubric: 'KF01', site: '万科·城市花园', auditor: '李明' });
    await app.grade('1', 'compliant');
    await page.getByTestId('to-review').click();
    await page.getByTestId('download-sheet').click();
    const error = page.getByTestId('sheet-error');
    await expect
      .poll(() => text(error))
      .toBe(
        '生成评分表所需的程序或字体还没有下载到本设备,现在又连不上服务器。考核数据不受影响。请连接网络后点“重试”。 重试',
      );
    // The button is usable again (it used to stay at 正在生成 when the renderer failed behind 仍然生成).
    expect(await page.getByTestId('download-sheet').isEnabled()).toBe(true);

    isBlocked = false;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('sheet-retry').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^督办记录表KF01-万科·城市花园-\d{4}-\d{2}-\d{2}-草稿\.pdf$/,
    );
    expect(await error.count()).toBe(0);
  });
});

describe('updates still wait for the auditor', () => {
  /** The registration's worker states, as the page sees them. */
  const workers = (page: Page) =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return {
        controlled: navigator.serviceWorker.controller !== null,
        waiting: registration?.waiting?.state ?? 'none',
      };
    });
  const checkForUpdate = (page: Page) =>
    page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });

  async function expectPromptThenUpdate(page: Page): Promise<void> {
    const prompt = page.getByTestId('update-prompt');
    await prompt.waitFor({ timeout: 30_000 });
    await eventually(async () => {
      expect(await workers(page)).toEqual({ controlled: true, waiting: 'installed' });
    });
    // Nothing reloads under the auditor while the prompt waits.
    await page.waitForTimeout(500);
    expect(await isSameDocument(page)).toBe(true);
    await page.getByRole('button', { name: '立即更新' }).click();
    await eventually(async () => {
      expect(await isSameDocument(page)).toBe(false);
    }, 30_000);
    await expect.poll(() => text(page.locator('h1'))).toBe('考核记录');
    expect(await workers(page)).toEqual({ controlled: true, waiting: 'none' });
    expect(await page.getByTestId('update-prompt').count()).toBe(0);
    await markDocument(page);
  }

  it('on the first-visit page the worker claimed, and after a reload: prompt, no reload until 立即更新', async () => {
    server = await startAppServer();
    const launched = await launch(newProfileDir());
    context = launched.context;
    const { page } = launched;
    server.setServiceWorkerVersion('v1');
    await page.goto(server.url);
    await expect.poll(() => text(page.locator('h1'))).toBe('考核记录');
    await markDocument(page);
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? 'none'), {
        timeout: 30_000,
      })
      .toBe('activated');

    // v2 is published while the first-visit page is still open.
    server.setServiceWorkerVersion('v2');
    await checkForUpdate(page);
    await expectPromptThenUpdate(page);

    // v3, on a page that a worker controlled from the start.
    server.setServiceWorkerVersion('v3');
    await checkForUpdate(page);
    await expectPromptThenUpdate(page);
  });
});
