import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { localDateTime } from '../../src/report/csv';
import { nodeSigner } from '../support/sealed-audit';
import { NOTE, sealHeadOfficeAudits, STRONG, uploadAsTablet, WEAK } from '../server/support/head-office-audits';
import { launch, newProfileDir } from './support/browser';
import { eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';
import { finaliseAuditOnTablet } from './support/tablet-sync';

let server: RealServer;
let context: BrowserContext;
let page: Page;
/** Every head-office API request the page made, to prove which source a screen read. */
const asked: string[] = [];

beforeAll(async () => {
  server = await startRealServer();
  const tablet = await nodeSigner();
  const sealed = await sealHeadOfficeAudits(tablet);
  // All three audits reach the server the way a tablet's sync sends them.
  const auditor = await server.createUser('auditor', { displayName: '王小明' });
  await uploadAsTablet(
    await server.signIn(auditor),
    tablet,
    sealed.map((s) => s.envelope),
  );
  const launched = await launch(newProfileDir());
  context = launched.context;
  page = launched.page;
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/head-office/')) asked.push(pathname);
  });
}, 120_000);
afterAll(async () => {
  await context.close();
  await server.dispose();
});

const rows = () => page.getByTestId('rank-row');
const banner = () => page.getByTestId('dashboard-source');
/** Site, average, count and 末位 of every ranked row, read in one go (the table may re-render between reads). */
const rankingOf = async () =>
  rows().evaluateAll((trs) =>
    trs.map((tr) => [
      tr.querySelector('[data-testid="rank-site"]')?.textContent.trim() ?? '',
      tr.querySelector('[data-testid="rank-average"]')?.textContent.trim() ?? '',
      tr.querySelector('[data-testid="rank-count"]')?.textContent.trim() ?? '',
      tr.getAttribute('data-bottom') ?? '',
    ]),
  );
const optionsOf = async (testId: string) => page.getByTestId(testId).locator('option').allTextContents();

/** The service worker controls the page: a reload then comes from it with no network or no server. */
async function waitForServiceWorker(): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active?.state !== 'activated')
      await new Promise<void>((resolve) => registration.active?.addEventListener('statechange', () => {
        resolve();
      }));
  });
}

describe('head office’s dashboard online, and its fall back to this device’s data', () => {
  it('never linked: this device’s own audit only, nothing to import into, and no banner', async () => {
    // This device audits WEAK itself (kf01-mixed: 63 / 95 = 66.3 %): its data differs from the server's.
    await finaliseAuditOnTablet(page, server, WEAK, '王小明');
    await page.goto(`${server.url}#/dashboard`);
    await eventually(async () => {
      expect(await rankingOf()).toEqual([[WEAK, '66.3%', '1', 'false']]);
    });
    expect(await text(page.getByTestId('in-view'))).toBe('当前范围内共 1 份考核');
    expect(await page.getByTestId('import-file').count()).toBe(0);
    expect(await page.getByTestId('held-panel').count()).toBe(0);
    expect(await page.getByTestId('key-register').count()).toBe(0);
    expect(await banner().count()).toBe(0);
    expect(asked).toEqual([]);
  });

  it('signed in as 总部管理员: every audit on the server, the hand-computed ranking, the server’s filter choices', async () => {
    await signInBrowser(page, server.admin);
    await page.reload();
    await eventually(async () => {
      expect(await banner().getAttribute('data-source')).toBe('server');
      expect(await text(banner())).toMatch(/^数据来源:服务器上的全部考核\(共 3 份\),读取于 .+。月度 KPI 和月度排名仍使用本机数据。$/);
    });
    await page.getByTestId('bottom-n').selectOption('1');
    // STRONG: (100.0 + 66.3) / 2 = 83.15 → 83.2 %, two audits; WEAK: 66.3 %, one, 末位 with N = 1.
    await eventually(async () => {
      expect(await rankingOf()).toEqual([
        [STRONG, '83.2%', '2', 'false'],
        [WEAK, '66.3%', '1', 'true'],
      ]);
    });
    expect(await text(page.getByTestId('in-view'))).toBe('当前范围内共 3 份考核');
    expect(await text(rows().nth(0).getByTestId('rank-latest'))).toBe('66.3%');
    expect(asked).toContain('/api/head-office/filter-options');
    expect(asked).toContain('/api/head-office/ranking');

    // Signed in as head office, bundles go to the server from here.
    expect(await page.getByTestId('import-file').count()).toBe(1);
    // The choices are the server's: both regions, though this device's own audit names none.
    expect(await optionsOf('filter-region')).toEqual(['全部', '华北', '华南']);
    // In pinyin order: 碧 (bì) before 万 (wàn).
    expect(await optionsOf('filter-site')).toEqual(['全部', WEAK, STRONG]);
    await page.getByTestId('filter-region').selectOption('华南');
    await eventually(async () => {
      expect(await rankingOf()).toEqual([[STRONG, '83.2%', '2', 'false']]);
      expect(await text(page.getByTestId('in-view'))).toBe('当前范围内共 2 份考核');
    });
    await page.getByTestId('filter-region').selectOption('');
    await eventually(async () => {
      expect(await rows().count()).toBe(2);
    });

    // The trend and the drill-down are the server's too.
    await rows().nth(0).getByTestId('rank-site').click();
    await eventually(async () => {
      expect(await page.getByTestId('trend-chart').getAttribute('data-points')).toBe('2');
    });
    const weakKey = (await rows().nth(1).getAttribute('data-site-key')) ?? '';
    const cell = page.locator(`[data-testid="heat-cell"][data-site-key="${weakKey}"][data-item-id="4"]`);
    expect(await text(cell)).toBe('100.0%');
    await cell.click();
    const drill = page.getByTestId('drill-down');
    await eventually(async () => {
      expect(await drill.getByTestId('drill-audit').count()).toBe(1);
    });
    expect(await text(drill.locator('tr[data-unit-id="4"]').getByTestId('drill-note'))).toBe(NOTE);
    expect(await text(drill.getByTestId('drill-signer'))).toBe('签章:由服务器核验(设备密钥登记在服务器上)');
    // The server's copy is not this device's to remove.
    expect(await drill.getByTestId('remove-import').count()).toBe(0);
    expect(asked).toContain('/api/head-office/drill-down');
  });

  it('downloads the server’s CSV of the audits in view: all three, not this device’s one', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-audits-csv').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(csv.startsWith(`\uFEFF单位,区域,考核表,考核时间(${zone}),考核人,得分,可得分,得分率(%)\r\n`)).toBe(true);
    expect(csv.split('\r\n').filter(Boolean), csv).toHaveLength(4);
    expect(csv).toContain(`${WEAK},华北,KF01,${localDateTime('2026-11-10T02:00:00.000Z', zone)},王小明,63,95,66.3\r\n`);
    expect(asked).toContain('/api/head-office/audits.csv');
  });

  it('offline: this device’s data, with a banner saying so and since when; back online, the server’s again', async () => {
    await waitForServiceWorker();
    await context.setOffline(true);
    await page.reload();
    await eventually(async () => {
      expect(await banner().getAttribute('data-source')).toBe('local');
      expect(await banner().getAttribute('data-reason')).toBe('offline');
    });
    expect(await text(banner().locator('p').first())).toBe(
      '本设备处于离线状态：下方显示的是本机数据（本设备自己的考核），不是服务器上的全部考核。',
    );
    expect(await text(page.getByTestId('dashboard-source-since'))).toMatch(/^自 .+ 起显示本机数据。 最近一次读取服务器数据:.+。$/);
    await eventually(async () => {
      expect(await rankingOf()).toEqual([[WEAK, '66.3%', '1', 'false']]);
    });
    expect(await text(page.getByTestId('in-view'))).toBe('当前范围内共 1 份考核');

    await context.setOffline(false);
    await eventually(async () => {
      expect(await banner().getAttribute('data-source')).toBe('server');
      expect(await rows().count()).toBe(2);
    });
  });

  it('the server down: this device’s data, saying the server cannot be reached; 重新连接 once it is back', async () => {
    await server.stop();
    await page.reload();
    await eventually(async () => {
      expect(await banner().getAttribute('data-reason')).toBe('unreachable');
      expect(await text(banner().locator('p').first())).toBe(
        '无法连接服务器：下方显示的是本机数据（本设备自己的考核），不是服务器上的全部考核。',
      );
    });
    expect(await rankingOf()).toEqual([[WEAK, '66.3%', '1', 'false']]);
    await server.restart();
    await page.getByTestId('dashboard-retry-server').click();
    await eventually(async () => {
      expect(await banner().getAttribute('data-source')).toBe('server');
      expect(await rows().count()).toBe(2);
    });
  });

  it('signed in as an auditor: never the server’s data on the dashboard', async () => {
    const auditor = await server.createUser('auditor', { displayName: '张三' });
    await signInBrowser(page, auditor);
    asked.length = 0;
    await page.reload();
    await eventually(async () => {
      expect(await banner().getAttribute('data-reason')).toBe('not-admin');
    });
    expect(await text(banner())).toBe(
      '当前以“督查员”身份登录服务器：总部看板只显示本机数据（本设备自己的考核）。总部管理员登录后可查看服务器上的全部考核。',
    );
    await eventually(async () => {
      expect(await rankingOf()).toEqual([[WEAK, '66.3%', '1', 'false']]);
    });
    await page.waitForTimeout(500);
    expect(asked).toEqual([]);
  });
});
