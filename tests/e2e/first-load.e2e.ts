import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, text } from './support/pages';

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

/**
 * Text that only the dashboard's code contains: the bundle writer (its manifest) and this device's audits
 * compared (OwnAudits). The browser no longer reads bundles, runs intake or verifies seals for head office: the
 * server is head office. Text, not chunk names, so a renamed or re-split chunk cannot make the test pass by
 * not matching.
 */
const headOfficeMarkers = ['ducha.bundle', 'is not finalised and sealed'];
/** Only the 验证 page's code names its drop zone: a page for whoever holds a sheet, not for the tablet. */
const verifyPageMarker = 'verify-drop';
/** app.skipToContent, in each catalogue only. */
const englishMarker = 'Skip to main content';
const chineseMarker = '跳到主要内容';

interface FetchedScript {
  readonly path: string;
  readonly body: string;
}

/**
 * Every script the page itself asks for from now on (not the service worker's precaching), with its text,
 * read again from the server: a body the service worker answered is not available to the test.
 */
function recordScripts(page: Page): () => Promise<FetchedScript[]> {
  const urls = new Set<string>();
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('.js')) urls.add(request.url());
  });
  return () =>
    Promise.all(
      [...urls].map(async (url) => ({
        path: new URL(url).pathname,
        body: await (await page.context().request.get(url)).text(),
      })),
    );
}

const containing = (scripts: readonly FetchedScript[], marker: string): string[] =>
  scripts.filter((script) => script.body.includes(marker)).map((script) => script.path);

const screensPreloaded = (page: Page) =>
  page.locator('html[data-screens-preloaded="true"]').waitFor({ state: 'attached' });

describe('what an auditor’s screens download', () => {
  it('no head-office code: opening 新建考核, starting and grading a KF02 audit, reopening its form', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const auditorScripts = recordScripts(app.page);

    await app.newAudit({ rubric: 'KF02', site: '万科·城市花园', auditor: '李明' });
    await app.grade('1.1', 'compliant');
    await app.grade('1.2', 'mostly');
    await app.page.getByTestId('note-1.1').fill('着装规范');
    await app.waitSaved();
    // Once the first screen is up the other screens are fetched too: none of that may be head office's.
    await screensPreloaded(app.page);
    // The form loaded afresh (index.html's preloads, the store, the rubric copies), then graded.
    await app.page.reload();
    await app.page.getByTestId('running-total').waitFor();
    await app.grade('1.3', 'partly');
    // 4 × 1 + 4 × 0.8 + 4 × 0.6 = 9.6 of item 1's 12
    expect(await app.runningTotal()).toBe('得分 9.6 / 12');
    await screensPreloaded(app.page);

    const auditor = await auditorScripts();
    expect(auditor.length).toBeGreaterThan(3);
    for (const marker of [...headOfficeMarkers, verifyPageMarker])
      expect({ marker, in: containing(auditor, marker) }).toEqual({ marker, in: [] });

    // The markers do name head office's code: opening 总部看板 fetches every one of them.
    const dashboardScripts = recordScripts(app.page);
    await app.page.getByRole('navigation').getByRole('link', { name: '总部看板' }).click();
    await expect.poll(() => text(app.page.locator('main h1'))).toBe('总部看板');
    const dashboard = await dashboardScripts();
    for (const marker of headOfficeMarkers) expect(containing(dashboard, marker), marker).not.toEqual([]);

    // The marker does name the 验证 page's code: opening the page fetches it.
    const verifyScripts = recordScripts(app.page);
    await app.open('#/verify');
    await expect.poll(() => text(app.page.locator('main h1'))).toBe('核验评分表');
    expect(containing(await verifyScripts(), verifyPageMarker)).toHaveLength(1);
  });

  it('only the language on screen: the other arrives with the switch, and a reload starts in the chosen one', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const { page } = app;
    const chineseStart = recordScripts(page);
    await app.open('#/new');
    await expect.poll(() => text(page.locator('main h1'))).toBe('新建考核');
    await screensPreloaded(page);
    const zh = await chineseStart();
    expect(containing(zh, chineseMarker)).toHaveLength(1);
    expect(containing(zh, englishMarker)).toEqual([]);

    const switched = recordScripts(page);
    await page.getByTestId('language-switch').click();
    await expect.poll(() => text(page.locator('main h1'))).toBe('New audit');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(containing(await switched(), englishMarker)).toHaveLength(1);
    expect(await page.getByTestId('language-unavailable').count()).toBe(0);

    const englishStart = recordScripts(page);
    await page.reload();
    await expect.poll(() => text(page.locator('main h1'))).toBe('New audit');
    await screensPreloaded(page);
    const en = await englishStart();
    expect(containing(en, englishMarker)).toHaveLength(1);
    expect(containing(en, chineseMarker)).toEqual([]);

    await page.getByTestId('language-switch').click();
    await expect.poll(() => text(page.locator('main h1'))).toBe('新建考核');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('the form’s code and rubric are requested by index.html’s preload, not once the main bundle has run', async () => {
    // No service worker: every file comes from the server, as on a first visit.
    const launched = await launch(newProfileDir(), undefined, { serviceWorkers: 'block' });
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF02', site: '万科·城市花园', auditor: '李明' });
    const fresh = await context.newPage();
    await launched.page.close();
    await fresh.goto(app.page.url().replace(/#.*$/, `#/audits/${id}`));
    await fresh.getByTestId('running-total').waitFor();
    const timing = await fresh.evaluate(() => {
      const parsed = performance.getEntriesByType('navigation')[0];
      const requested = (pattern: RegExp) =>
        performance.getEntriesByType('resource').find((entry) => pattern.test(entry.name))?.startTime ?? -1;
      return {
        parsed: parsed instanceof PerformanceNavigationTiming ? parsed.domInteractive : -1,
        form: requested(/\/assets\/ScoringPage-[\w-]+\.js$/),
        rubric: requested(/\/assets\/rubric-KF02-[\w-]+\.js$/),
      };
    });
    // Modules run only once the document is parsed: what was requested before that, no module asked for.
    expect(timing.parsed).toBeGreaterThan(0);
    expect(timing.form).toBeGreaterThan(0);
    expect(timing.rubric).toBeGreaterThan(0);
    expect(timing.form).toBeLessThan(timing.parsed);
    expect(timing.rubric).toBeLessThan(timing.parsed);
  });
});
