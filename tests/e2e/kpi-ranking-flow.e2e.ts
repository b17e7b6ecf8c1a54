import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Download } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';
import { enrolThroughPanel } from './support/trust';

const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function saved(download: Download): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'ducha-kpi-flow-')), download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

/** A KPI-CC month typed into the form on the tablet, signed and finalised. */
async function enterMonth(
  app: AuditApp,
  site: string,
  figures: readonly (readonly [string, string])[],
  total: string,
) {
  await app.newAudit({ rubric: 'KPI-CC', site, auditor: '王堃', mode: 'onsite' });
  for (const [unit, value] of figures) {
    await app.page.getByTestId(`figure-${unit}`).fill(value);
    await app.page.getByTestId(`figure-${unit}`).press('Enter');
  }
  await app.waitSaved();
  await eventually(async () => {
    expect(await app.runningTotal()).toBe(total);
  });
  await app.page.getByTestId('to-review').click();
  await app.sign('auditor', '王堃');
  await app.sign('siteManager', '李喆');
  await app.finalise();
}

describe('KPI figures from the form to the month’s 综合排名', () => {
  it('two call centres entered on a tablet, exported, imported at head office and ranked as worked out by hand', async () => {
    const tabletLaunch = await launch(newProfileDir());
    contexts.push(tabletLaunch.context);
    const tablet = new AuditApp(tabletLaunch.page);
    // 芙蓉: 40 × 96.5 / 98 = 39.39; 1750 calls: 450 short, 4 × 1 point lost → 6; 40 × 85 / 90 = 37.78; 1 例 → 5: 88.17.
    await enterMonth(
      tablet,
      '芙蓉呼叫中心',
      [
        ['1', '96.5'],
        ['2', '1750'],
        ['3', '85'],
        ['4', '1'],
      ],
      '得分 88.17 / 100',
    );
    // 雨花: every indicator at its target and no complaint: 40 + 10 + 40 + 10.
    await enterMonth(
      tablet,
      '雨花呼叫中心',
      [
        ['1', '98'],
        ['2', '2200'],
        ['3', '90'],
        ['4', '0'],
      ],
      '得分 100 / 100',
    );

    await tablet.open('#/dashboard');
    const [bundleDownload] = await Promise.all([
      tablet.page.waitForEvent('download'),
      tablet.page.getByTestId('export-bundle').click(),
    ]);
    const bundle = await saved(bundleDownload);
    await tablet.open('#/settings');
    await eventually(async () => {
      expect(await text(tablet.page.getByTestId('key-fingerprint'))).toMatch(
        /^[0-9a-f]{4}( [0-9a-f]{4}){3}$/,
      );
    });
    const fingerprint = await text(tablet.page.getByTestId('key-fingerprint'));
    await tablet.page.getByTestId('key-device-label').fill('呼叫中心平板');
    await tablet.page.getByTestId('key-auditor').fill('王堃');
    const [keyDownload] = await Promise.all([
      tablet.page.waitForEvent('download'),
      tablet.page.getByTestId('export-key').click(),
    ]);
    const keyFile = await saved(keyDownload);

    const officeLaunch = await launch(newProfileDir());
    contexts.push(officeLaunch.context);
    const office = new AuditApp(officeLaunch.page);
    await office.open('#/dashboard');
    await office.page.getByTestId('dashboard-empty').waitFor();
    await enrolThroughPanel(office.page, keyFile, fingerprint);
    await office.page.getByTestId('import-file').setInputFiles(bundle);
    await eventually(async () => {
      expect(await office.page.getByTestId('import-stored').getAttribute('data-count')).toBe('2');
    });

    // KPI-CC alone is scored (weight 25 of rankings/monthly.json; nothing else audited): 雨花 100.00 %, 芙蓉
    // 88.17 % → 末位, and with all four of its indicators below target it is on the 约谈 list.
    const rows = office.page.getByTestId('monthly-row');
    await eventually(async () => {
      expect(await rows.count()).toBe(2);
    });
    const table: string[][] = [];
    for (const row of await rows.all()) {
      table.push([
        await text(row.locator('td').first()),
        await text(row.locator('th')),
        await text(row.getByTestId('monthly-score')),
        (await row.getAttribute('data-bottom')) ?? '',
        (await row.getAttribute('data-summoned')) ?? '',
      ]);
    }
    expect(table).toEqual([
      ['1', '雨花呼叫中心', '100.00%', 'false', 'false'],
      ['2', '芙蓉呼叫中心末位约谈', '88.17%', 'true', 'true'],
    ]);
    expect(await text(office.page.getByTestId('monthly-summoned'))).toContain('芙蓉呼叫中心');
    expect(await text(office.page.getByTestId('monthly-summoned'))).not.toContain('雨花呼叫中心');

    // The units CSV carries each indicator's figure with its unit and the points it earned.
    const [csvDownload] = await Promise.all([
      office.page.waitForEvent('download'),
      office.page.getByTestId('export-units-csv').click(),
    ]);
    const csv = readFileSync(await saved(csvDownload), 'utf8')
      .split('\r\n')
      .filter((line) => line.includes('芙蓉呼叫中心'))
      .map((line) => line.split(',').slice(4).join(','));
    expect(csv).toEqual(['1,96.5%,39.39,40,', '2,1750个,6,10,', '3,85%,37.78,40,', '4,1例,5,10,']);
  });
});
