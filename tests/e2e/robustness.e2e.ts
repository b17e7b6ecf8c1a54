import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';

declare global {
  interface Window {
    __realPut?: IDBObjectStore['put'];
  }
}

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

describe('robustness', () => {
  it('two tabs on the same audit keep both tabs’ answers and show each other’s live', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const tabA = new AuditApp(launched.page);
    const id = await tabA.newAudit({ rubric: 'KF02', site: '绿城·桂语', auditor: '林昇' });
    const tabB = new AuditApp(await context.newPage());
    await tabB.open(`#/audits/${id}`);
    await tabB.page.getByTestId('running-total').waitFor();

    await tabA.grade('1.1', 'compliant'); // 4
    await tabB.grade('1.2', 'partly'); // 2.4
    await tabA.page.getByTestId('note-7').fill('A 写的备注');
    await tabA.page.getByTestId('note-7').blur();
    await tabB.page.getByTestId('note-8').fill('B 写的备注');
    await tabB.page.getByTestId('note-8').blur();
    await tabA.waitSaved();
    await tabB.waitSaved();

    for (const tab of [tabA, tabB]) {
      await eventually(async () => {
        expect(await tab.runningTotal()).toBe('得分 6.4 / 8');
        expect(await tab.page.getByTestId('note-7').inputValue()).toBe('A 写的备注');
        expect(await tab.page.getByTestId('note-8').inputValue()).toBe('B 写的备注');
      });
    }
    await tabB.page.reload();
    await eventually(async () => {
      expect(await tabB.runningTotal()).toBe('得分 6.4 / 8');
    });
  });

  it('a storage quota failure says so clearly, keeps the typed note, and saves it on retry', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF01', site: '中海·寰宇天下', auditor: '何堃' });
    await app.grade('1', 'compliant');

    // Make every IndexedDB write fail the way a full disk does.
    await app.page.evaluate(() => {
      // Kept to be put back below; it is only ever called as a method again.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      window.__realPut = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await app.page.getByTestId('note-3').fill('铃响五声才接听');
    await app.page.getByTestId('note-3').blur();
    const banner = app.page.getByTestId('save-error');
    await banner.waitFor();
    expect(await text(banner)).toContain('设备存储空间不足');
    expect(await app.page.getByTestId('save-status').getAttribute('data-state')).toBe('failed');
    expect(await app.page.getByTestId('note-3').inputValue()).toBe('铃响五声才接听');

    // A grade tapped while storage is full is shown as not saved, and not counted.
    await app.gradeButton('2', 'mostly').click();
    await eventually(async () => {
      expect(await app.gradeButton('2', 'mostly').getAttribute('data-pending')).toBe('failed');
    });
    expect(await app.runningTotal()).toBe('得分 10 / 10');

    await app.page.evaluate(() => {
      if (window.__realPut) IDBObjectStore.prototype.put = window.__realPut;
    });
    await banner.getByRole('button', { name: '重试' }).click();
    await app.waitSaved();
    await app.page.reload();
    await app.page.getByTestId('note-3').waitFor();
    expect(await app.page.getByTestId('note-3').inputValue()).toBe('铃响五声才接听');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
