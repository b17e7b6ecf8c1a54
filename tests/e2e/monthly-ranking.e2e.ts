import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openServices } from '../../src/server/open-services';
import { FIGURE_ROWS, HEADER, MONTH, SITES, figuresCsvText } from '../fixtures/kpi-ranking/fairness-month';
import { encodeGbk, makeXlsx } from '../fixtures/kpi-ranking/figure-files';
import { fairnessAuditFacts } from '../server/support/fairness-audits';
import { insertFacts } from '../server/support/head-office-facts';
import { call } from '../server/support/uploads';
import { launch, newProfileDir } from './support/browser';
import { eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';

/**
 * The month computed on the server, in the browser: head office uploads the fairness month's KPI figures through
 * the dashboard's file picker (a GBK CSV as Excel on a Chinese PC saves it, and an .xlsx) and reads the 综合排名 the
 * server computes over its audits. Worked out by hand in tests/fixtures/kpi-ranking/fairness-month.ts:
 *   东湖 (15×9000 + 25×10000)/40 = 9625; 南湖 (15×10000 + 25×6000)/40 = 7500 (回访率 缺报 is 0 of 40, so it is
 *   not first); 西湖 (15×3000 + 25×10000)/40 = 7375 → 末位, and 约谈 because 满意率 97.99 < 98 on the figure.
 */
let server: RealServer;
let context: BrowserContext;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'ducha-e2e-kpi-'));
const write = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

beforeAll(async () => {
  server = await startRealServer();
  const admin = await server.adminApi();
  for (const site of SITES) expect((await call(admin, 'PUT', `/api/sites/${site.code}`, { name: site.name })).status).toBe(200);
  // The month's KF01 audits go into the server's database as the server test puts them (its own process holds
  // the embedded database, so it is stopped meanwhile).
  await server.stop();
  const opened = await openServices({ dataDir: server.dataDir, databaseUrl: undefined });
  try {
    await insertFacts(opened.services.db, fairnessAuditFacts());
  } finally {
    await opened.close();
  }
  await server.restart();
  const launched = await launch(newProfileDir());
  context = launched.context;
  page = launched.page;
}, 120_000);
afterAll(async () => {
  await context.close();
  await server.dispose();
});

const rowsOf = () =>
  page.getByTestId('monthly-row').evaluateAll((rows) =>
    rows.map((row) => [
      row.querySelector('td')?.textContent.trim(),
      row.querySelector('th')?.firstChild?.textContent?.trim(),
      row.querySelector('[data-testid="monthly-score"]')?.textContent.trim(),
      row.getAttribute('data-bottom'),
      row.getAttribute('data-summoned'),
    ]),
  );

describe('head office uploads KPI figures and reads the month the server computes', () => {
  it('never shows the month to a device not signed in as head office', async () => {
    await page.goto(`${server.url}#/dashboard`);
    await page.getByTestId('dashboard-empty').waitFor();
    expect(await page.getByTestId('kpi-import-panel').count()).toBe(0);
    expect(await page.getByTestId('monthly-panel').count()).toBe(0);
  });

  it('refuses a file with bad lines whole, naming each line in Chinese', async () => {
    await signInBrowser(page, server.admin);
    await page.reload();
    await page.getByTestId('kpi-import-panel').waitFor();
    const bad = write('有误.csv', new TextEncoder().encode(figuresCsvText([[MONTH, 'A01', 'KPI-CC', '1', '99'], [MONTH, '北湖管理处', 'KPI-CC', '1', '99'], [MONTH, 'A01', 'KPI-CC', '9', '1']])));
    await page.getByTestId('kpi-import-file').setInputFiles(bad);
    await page.getByTestId('kpi-import-refused').waitFor();
    const issues = await page.getByTestId('kpi-import-issue').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-line'), li.textContent]));
    expect(issues.map(([line]) => line)).toEqual(['3', '4']);
    expect(issues[0]?.[1]).toBe('第 3 行：没有这个被考核单位“北湖管理处”：请写管理处编号或名称（与管理处列表或已收到的考核一致）');
    expect(await text(page.getByTestId('kpi-import-refused').locator('p'))).toBe('有误.csv：2 行有误，服务器未存入任何数值。');
  });

  it('uploads a GBK CSV and an .xlsx through the file picker and shows each receipt', async () => {
    await page.getByTestId('kpi-import-file').setInputFiles(write('指标-2026-11.csv', encodeGbk(figuresCsvText(FIGURE_ROWS.slice(0, 8)))));
    const done = page.getByTestId('kpi-import-done');
    await done.waitFor();
    expect([await done.getAttribute('data-encoding'), await done.getAttribute('data-figures'), await done.getAttribute('data-new-versions')]).toEqual(['gb18030', '8', '8']);
    expect(await text(done)).toMatch(/^指标-2026-11\.csv（GBK\/GB18030，SHA-256 [0-9a-f]{12}…）：8 个数值，其中新版本 8 个，与现有版本相同 0 个。$/);
    await page.getByTestId('kpi-import-file').setInputFiles(write('南湖.xlsx', makeXlsx([[...HEADER], ...FIGURE_ROWS.slice(8).map((r) => [...r])])));
    await eventually(async () => {
      expect(await done.getAttribute('data-encoding')).toBe('xlsx');
    });
    expect(await done.getAttribute('data-figures')).toBe('3');
  });

  it('shows the 综合排名 over the server’s audits with the hand-computed 末位, 约谈 and 缺报', async () => {
    await eventually(async () => {
      expect(await rowsOf()).toEqual([
        ['1', '东湖管理处', '96.25%', 'false', 'false'],
        ['2', '南湖管理处', '75.00%', 'false', 'false'],
        ['3', '西湖管理处', '73.75%', 'true', 'true'],
      ]);
    }, 20_000);
    expect(await page.getByTestId('monthly-month').inputValue()).toBe(MONTH);
    expect(await text(page.getByTestId('monthly-weights'))).toContain('KF01 15 · KF02 15 · KF3 20 · KPI-CC 25 · KPI-YYT 25');
    const row = (name: string) => page.getByTestId('monthly-row').filter({ hasText: name });
    expect(await text(row('南湖管理处').locator('[data-rubric="KPI-CC"]'))).toBe('60.00%');
    expect(await text(row('南湖管理处').getByTestId('monthly-below'))).toBe('KPI-CC 有效电话回访率 缺报');
    expect(await text(row('西湖管理处').getByTestId('monthly-below'))).toBe('KPI-CC 客户满意率 40/40');
    expect(await text(row('西湖管理处').locator('[data-rubric="KF02"]'))).toBe('—');
    expect(await text(page.getByTestId('monthly-summoned'))).toBe('西湖管理处（KPI-CC 客户满意率 40/40）');
  });

  it('downloads the server’s 通报 PDF and CSV with every site and the 约谈 in them', async () => {
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('monthly-pdf').click()]);
    expect(pdf.suggestedFilename()).toBe(`服务质量月度综合排名-${MONTH}.pdf`);
    const pdfText = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', await pdf.path(), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const name of ['东湖管理处', '南湖管理处', '西湖管理处', '约谈']) expect(pdfText).toContain(name);
    expect(pdfText).toContain('1东湖管理处96.25');
    expect(pdfText).toContain('3西湖管理处73.75');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('monthly-csv').click()]);
    expect(readFileSync(await csv.path(), 'utf8')).toContain('西湖管理处,73.75');
  });

  it('keeps a corrected figure as version 2 beside version 1 in the history, and ranks on the newest', async () => {
    await page.getByTestId('kpi-import-file').setInputFiles(write('更正.csv', new TextEncoder().encode(figuresCsvText([[MONTH, 'B02', 'KPI-CC', '1', '98']]))));
    await eventually(async () => {
      expect(await page.getByTestId('kpi-import-done').getAttribute('data-new-versions')).toBe('1');
    });
    await page.getByTestId('kpi-history').locator('summary').click();
    const versions = page.locator('[data-testid="kpi-version"][data-site-key="code:B02"][data-unit="1"]');
    await eventually(async () => {
      expect(await versions.evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-version'), r.getAttribute('data-current'), r.querySelectorAll('td')[3]?.textContent]))).toEqual([
        ['1', 'false', '97.99'],
        ['2', 'true', '98'],
      ]);
    });
    expect(await text(versions.nth(0))).toContain('指标-2026-11.csv');
    expect(await text(versions.nth(1))).toContain('更正.csv');
    expect(await text(versions.nth(1))).toContain(server.admin.username);
    // 西湖 still 末位 at 7375 but now meets every standard: not 约谈.
    await eventually(async () => {
      expect((await rowsOf())[2]).toEqual(['3', '西湖管理处', '73.75%', 'true', 'false']);
    });
    expect(await text(page.getByTestId('monthly-summoned'))).toBe('本月无（末位单位没有未达标的服务指标，或没有末位单位）。');
  });
});
