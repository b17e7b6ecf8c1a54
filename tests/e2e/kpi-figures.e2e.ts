import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

describe('a KPI-CC month entered as figures', () => {
  it('shows unit, rule and points live, refuses a bad figure without losing the saved one, and keeps the figures', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KPI-CC', site: '呼叫中心', auditor: '王堃', mode: 'onsite' });
    const { page } = app;
    const figure = (unit: string) => page.getByTestId(`figure-${unit}`);
    const earned = (unit: string) => text(page.getByTestId(`figure-earned-${unit}`));

    expect(await text(page.getByTestId('metric-1').locator('label'))).toBe('本月数值(%)');
    expect(await text(page.getByTestId('metric-rule-1'))).toBe(
      '线性得分:实际值 ÷ 98% × 40 分,最高 40 分;低于 90% 不得分',
    );
    expect(await text(page.getByTestId('metric-rule-2'))).toBe(
      '2200–1800个:每少 100 扣 1 分;1800–1500个:每少 100 扣 2 分;低于 1500个 不得分',
    );
    expect(await earned('1')).toBe('未填写');

    // Live, before anything is saved: 40 × 96.5 / 98 = 39.387… → 39.39.
    await figure('1').fill('96.5');
    expect(await earned('1')).toBe('得分 39.39 / 40');
    await figure('1').press('Enter');
    await app.waitSaved();
    await eventually(async () => {
      expect(await app.runningTotal()).toBe('得分 39.39 / 40');
    });

    // 1750 calls: 4 × 1 point lost → 6; 回访率 85 %: 40 × 85 / 90 = 37.78; 1 complaint: 10 − 5 = 5.
    for (const [unit, value] of [
      ['2', '1750'],
      ['3', '85'],
      ['4', '1'],
    ] as const) {
      await figure(unit).fill(value);
      await figure(unit).press('Enter');
    }
    await eventually(async () => {
      expect([await earned('2'), await earned('3'), await earned('4')]).toEqual([
        '得分 6 / 10',
        '得分 37.78 / 40',
        '得分 5 / 10',
      ]);
    });
    await eventually(async () => {
      expect(await app.runningTotal()).toBe('得分 88.17 / 100');
    });
    expect(await text(page.getByTestId('progress'))).toBe('进度 4/4');

    // A rate above 100 % and a typed unit are refused in Chinese, and the saved 96.5 stays.
    await figure('1').fill('100.5');
    expect(await text(page.getByTestId('figure-error-1'))).toBe('比率不能超过 100%');
    expect(await earned('1')).toBe('未填写');
    await figure('1').blur();
    await figure('4').fill('1.5');
    expect(await text(page.getByTestId('figure-error-4'))).toBe('例数必须是整数');
    await figure('4').blur();
    await figure('3').fill('85%');
    expect(await text(page.getByTestId('figure-error-3'))).toBe('请填写数字(如 96.5),不要带单位或符号');
    await figure('3').blur();

    await page.reload();
    await page.getByTestId('running-total').waitFor();
    expect([await figure('1').inputValue(), await figure('2').inputValue(), await figure('4').inputValue()]).toEqual([
      '96.5',
      '1750',
      '1',
    ]);
    await eventually(async () => {
      expect(await app.runningTotal()).toBe('得分 88.17 / 100');
    });

    await app.open(`#/audits/${id}/review`);
    await eventually(async () => {
      expect(await text(page.getByTestId('review-earned'))).toBe('88.17');
    });
  });
});
