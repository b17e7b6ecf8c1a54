import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, fixtureGrades, text } from './support/pages';

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

describe('a full KF02 audit, tapped through as an auditor would', () => {
  it('shows the hand-computed total on the form, the review and the list', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF02', site: '碧桂园·燊城管理处', auditor: '王堃' });
    expect(await app.runningTotal()).toBe('得分 0 / 0');
    expect(await text(app.page.getByTestId('progress'))).toBe('进度 0/25');

    // kf02-mixed, worked out by hand in tests/scoring/score-fixtures.test.ts:
    // 9.6 + 8.8 + 0 (3 all 不适用) + 12.8 + 5 + 7 + 4 + 0 (8 不适用) = 47.2 of 65 → 72.6 %
    await app.gradeAll(fixtureGrades('kf02-mixed'));
    await app.waitSaved();
    expect(await app.runningTotal()).toBe('得分 47.2 / 65');
    expect(await text(app.page.getByTestId('running-percent'))).toBe('得分率 72.6%');
    expect(await text(app.page.getByTestId('progress'))).toBe('进度 25/25');
    expect(await text(app.page.locator('[data-unit-id="1.2"] [data-testid="unit-earned"]'))).toBe('得分 3.2');

    await app.page.getByTestId('to-review').click();
    expect(await text(app.page.getByTestId('review-earned'))).toBe('47.2');
    expect(await text(app.page.getByTestId('review-percent'))).toBe('72.6%');
    expect(await text(app.page.locator('[data-testid="summary"] tr[data-item-id="2"] td').first())).toBe(
      '8.8',
    );
    // Unsigned: finalising is blocked and says why.
    expect(await app.page.getByTestId('finalise').isDisabled()).toBe(true);
    expect(await text(app.page.getByTestId('unsigned-list'))).toContain('考核人');

    await app.open('#/');
    const row = app.page.locator(`[data-audit-id="${id}"]`);
    expect(await text(row.getByTestId('row-total'))).toBe('47.2 / 65');
    expect(await text(row.getByTestId('row-percent'))).toBe('72.6%');
  });

  it('jumps to the next ungraded unit and links ungraded units from the review back to themselves', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF01', site: '万科·喆园', auditor: '李昇' });
    await app.grade('1', 'compliant');
    await app.grade('2', 'compliant');
    await app.page.getByTestId('next-ungraded').click();
    await expect
      .poll(() =>
        app.page.evaluate(() =>
          document.activeElement?.closest('[data-unit-id]')?.getAttribute('data-unit-id'),
        ),
      )
      .toBe('3');

    await app.open(`#/audits/${id}/review`);
    const links = app.page.getByTestId('ungraded-link');
    await links.first().waitFor();
    expect(await links.allTextContents()).toEqual(['3', '4', '5', '6', '7', '8', '9', '10']);
    await links.filter({ hasText: /^7$/ }).click();
    await app.page.waitForURL(/focus=7/);
    await expect
      .poll(() =>
        app.page.evaluate(() =>
          document.activeElement?.closest('[data-unit-id]')?.getAttribute('data-unit-id'),
        ),
      )
      .toBe('7');
  });

  it('switches the interface to English and back', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    await app.open();
    await app.page.getByTestId('language-switch').click();
    await expect.poll(() => text(app.page.locator('h1'))).toBe('Audits');
    expect(await app.page.evaluate(() => document.documentElement.lang)).toBe('en');
    await app.page.reload();
    await expect.poll(() => text(app.page.locator('h1'))).toBe('Audits');
    await app.page.getByTestId('language-switch').click();
    await expect.poll(() => text(app.page.locator('h1'))).toBe('考核记录');
  });
});
