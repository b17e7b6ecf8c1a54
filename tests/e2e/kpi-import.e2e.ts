import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, repoRoot, text } from './support/pages';
import { writeTemp } from './support/trust';
import { seriousViolations } from './support/a11y';

/**
 * KPI figures imported on the 总部看板, with no audit at all: the 月度综合排名 (rankings/monthly.json, KPI-CC 25 and
 * KPI-YYT 25; the scorecards have no audits, so each site is scored on the KPI rubrics it has figures for).
 * tests/fixtures/kpi/figures-three-sites.csv, every score worked out by hand (see kpi-month-store.test.ts):
 * 2026-11 KPI-CC 甲 100, 乙 38.78 + 8 + 36 + 5 = 87.78, 丙 0 + 6 + 31.11 + 0 = 37.11;
 *         KPI-YYT 甲 100, 乙 77.47 + 10 = 87.47, 丙 75.79 + 20 = 95.79.
 *   甲 (10000 + 10000)/2 = 100.00 %; 乙 (8778 + 8747)/2 = 8762.5 → 87.63 %; 丙 (3711 + 9579)/2 = 66.45 % → 末位, with
 *   indicators below target → 约谈.
 * 2026-10 KPI-CC only: 乙 100.00 %, 甲 39.18 + 9 + 40 + 10 = 98.18 %, 丙 40 + 10 + 37.78 + 10 = 97.78 % → 末位, 约谈
 *   (回访率 37.78/40).
 */
const badCsv = [
  'month,site,rubric,unit,figure',
  '2026-11,甲站,KPI-CC,1,98',
  '2026-11,乙站,KPI-CC,1,95%',
  '2026-11,丙站,KPI-CC,1,98',
].join('\n');
const goodCsv = join(repoRoot, 'tests/fixtures/kpi/figures-three-sites.csv');
// 乙站's November KPI-CC again, every indicator at target: 100, so 乙 becomes (10000 + 8747)/2 = 9373.5 → 93.74 %.
const fixCsv = [
  '月份,被考核单位,考核表,序号,数值',
  '2026-11,乙站,KPI-CC,1,98',
  '2026-11,乙站,KPI-CC,2,2200',
  '2026-11,乙站,KPI-CC,3,90',
  '2026-11,乙站,KPI-CC,4,0',
].join('\n');

let context: BrowserContext;
let app: AuditApp;
beforeAll(async () => {
  const launched = await launch(newProfileDir());
  context = launched.context;
  app = new AuditApp(launched.page);
  await app.open('#/dashboard');
  await app.page.getByTestId('dashboard-empty').waitFor();
});
afterAll(async () => {
  await context.close();
});

const rows = () => app.page.getByTestId('monthly-row');
async function table(): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await rows().all()) {
    out.push([
      await text(row.locator('td').first()),
      await text(row.locator('th')),
      await text(row.getByTestId('monthly-score')),
      (await row.getAttribute('data-summoned')) ?? '',
    ]);
  }
  return out;
}

describe('KPI figures imported on the dashboard', () => {
  it('refuses a file with a bad line, naming the line, and stores nothing of it', async () => {
    await app.page.getByTestId('kpi-import-file').setInputFiles(writeTemp('bad-figures.csv', badCsv));
    const refused = app.page.getByTestId('kpi-import-refused');
    await refused.waitFor();
    expect(await refused.getByTestId('kpi-import-issue').allTextContents()).toEqual([
      '第 3 行:数值不是数字(不要带单位或符号):“95%”',
    ]);
    expect(await text(refused.locator('p'))).toBe('bad-figures.csv:1 行有误,未导入任何数值。');
    // Lines 2 and 4 were good: neither is stored, and there is still nothing to rank.
    await app.page.getByTestId('monthly-empty').waitFor();
    expect(await app.page.getByTestId('kpi-months').count()).toBe(0);
  });

  it('imports three sites × two months and ranks them as worked out by hand, 丙站 on the 约谈 list', async () => {
    await app.page.getByTestId('kpi-import-file').setInputFiles(goodCsv);
    const done = app.page.getByTestId('kpi-import-done');
    await done.waitFor();
    expect(await done.getAttribute('data-imported')).toBe('9');
    expect(await text(app.page.getByTestId('kpi-import-replaced'))).toBe('没有替换此前导入的记录。');
    await eventually(async () => {
      expect(await rows().count()).toBe(3);
    });
    expect(await app.page.getByTestId('monthly-month').inputValue()).toBe('2026-11');
    expect(await table()).toEqual([
      ['1', '甲站', '100.00%', 'false'],
      ['2', '乙站', '87.63%', 'false'],
      ['3', '丙站末位约谈', '66.45%', 'true'],
    ]);
    expect(await text(app.page.getByTestId('monthly-summoned'))).toBe(
      '丙站(KPI-CC 第1项 0/40;KPI-CC 第2项 6/10;KPI-CC 第3项 31.11/40;KPI-CC 第4项 0/10;KPI-YYT 第1项 75.79/80)',
    );
    // Every part comes from imported figures, and says so (no seal stands behind it).
    const cell = rows().first().locator('td[data-rubric="KPI-CC"]');
    expect(await cell.getAttribute('data-imported')).toBe('true');
    expect(await text(cell)).toBe('100.00%导入数据');
    expect(await text(app.page.getByTestId('monthly-imported-note'))).toBe(
      '标有“导入数据”的得分来自在看板导入的 KPI 数值,不是盖章封存的考核。',
    );

    await app.page.getByTestId('monthly-month').selectOption('2026-10');
    await eventually(async () => {
      expect(await table()).toEqual([
        ['1', '乙站', '100.00%', 'false'],
        ['2', '甲站', '98.18%', 'false'],
        ['3', '丙站末位约谈', '97.78%', 'true'],
      ]);
    });
    expect(await text(app.page.getByTestId('monthly-summoned'))).toBe('丙站(KPI-CC 第3项 37.78/40)');
  });

  it('replaces a re-imported month, site and rubric, says so, and keeps it after a reload', async () => {
    await app.page.getByTestId('kpi-import-file').setInputFiles(writeTemp('fix.csv', fixCsv));
    await eventually(async () => {
      expect(await app.page.getByTestId('kpi-import-done').getAttribute('data-replaced')).toBe('1');
    });
    expect(await text(app.page.getByTestId('kpi-import-replaced'))).toBe(
      '其中 1 条替换了此前导入的同月份、同单位、同考核表的记录:2026年11月 乙站 KPI-CC。',
    );
    await app.page.reload();
    await app.page.getByTestId('monthly-month').selectOption('2026-11');
    await eventually(async () => {
      expect(await table()).toEqual([
        ['1', '甲站', '100.00%', 'false'],
        ['2', '乙站', '93.74%', 'false'],
        ['3', '丙站末位约谈', '66.45%', 'true'],
      ]);
    });
    expect(await app.page.getByTestId('kpi-month').count()).toBe(9);
    // The stored records' table, opened, and the marked ranking pass axe like the rest of the dashboard.
    await app.page.getByTestId('kpi-months').locator('summary').click();
    expect(await seriousViolations(app.page)).toEqual([]);
  });
});
