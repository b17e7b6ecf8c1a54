import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, fixtureGrades, text } from './support/pages';

declare global {
  interface Window {
    /** While true, every IndexedDB put/add throws the way a full disk does. */
    __failWrites?: boolean;
  }
}

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

/** Installed before the app loads, on every page of the context: a switch that makes IndexedDB writes fail. */
async function installWriteFailureSwitch(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    // Kept and called again as methods of the same store; never detached from it.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const realPut = IDBObjectStore.prototype.put;
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const realAdd = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (window.__failWrites === true) throw quota();
      return realPut.apply(this, args);
    };
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (window.__failWrites === true) throw quota();
      return realAdd.apply(this, args);
    };
  });
}

const setWritesFailing = (app: AuditApp, failing: boolean) =>
  app.page.evaluate((value) => {
    window.__failWrites = value;
  }, failing);

describe('data safety', () => {
  it('定稿 is refused while a write failed, names it, and works after 重试; no typed character is lost', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    await installWriteFailureSwitch(context);
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF01', site: '万科·城市花园', auditor: '孙燊' });
    await app.gradeAll(fixtureGrades('kf01-mixed'));
    await app.page.getByTestId('to-review').click();
    await app.sign('auditor', '孙燊');
    await app.sign('siteManager', '钱堃');
    await app.waitSaved();
    await app.open(`#/audits/${id}`);
    await app.page.getByTestId('note-3').waitFor();

    // The disk fills up mid-audit: a note and a changed grade cannot be stored.
    await setWritesFailing(app, true);
    const note = '铃响五声才接听,未报工号;回访时已整改。';
    await app.page.getByTestId('note-3').fill(note);
    await app.page.getByTestId('note-3').blur();
    await app.gradeButton('4', 'partly').click();
    await eventually(async () => {
      expect(await app.gradeButton('4', 'partly').getAttribute('data-pending')).toBe('failed');
    });
    expect(await app.page.getByTestId('save-status').getAttribute('data-state')).toBe('failed');

    // Review: every unit is graded and both have signed, yet 定稿 is refused and says what is not saved.
    await app.page.getByTestId('to-review').click();
    const unsaved = app.page.getByTestId('unsaved-list');
    await unsaved.waitFor();
    expect(await text(unsaved)).toContain('不能定稿');
    expect(await text(unsaved)).toContain('第 3 项 的备注(保存失败)');
    expect(await text(unsaved)).toContain('第 4 项 的评分(保存失败)');
    expect(await app.page.getByTestId('finalise').isDisabled()).toBe(true);

    // 重试 while the disk is still full: still refused.
    const banner = app.page.getByTestId('save-error');
    await banner.getByRole('button', { name: '重试' }).click();
    await eventually(async () => {
      expect(await app.page.getByTestId('save-status').getAttribute('data-state')).toBe('failed');
    });
    expect(await app.page.getByTestId('finalise').isDisabled()).toBe(true);

    // Space is freed; 重试 stores both, and only then can the audit be finalised.
    await setWritesFailing(app, false);
    await banner.getByRole('button', { name: '重试' }).click();
    await app.waitSaved();
    await eventually(async () => {
      expect(await unsaved.count()).toBe(0);
    });
    await app.finalise();

    await app.page.reload();
    await app.open(`#/audits/${id}`);
    await app.page.getByTestId('note-3').waitFor();
    expect(await app.page.getByTestId('note-3').inputValue()).toBe(note);
    expect(await app.page.locator('[data-unit-id="4"]').getAttribute('data-grade')).toBe('partly');
    expect(await text(app.page.getByTestId('audit-status'))).toBe('已定稿');

    // "Exported" means the user has the file, per revision: corrected before export, revision 1 still counts.
    const unexported = async () => {
      await app.open('#/');
      return app.page.getByTestId('unexported-count').getAttribute('data-count');
    };
    expect(await unexported()).toBe('1');
    await app.open(`#/audits/${id}`);
    await app.page.getByTestId('amend').click();
    await app.page.getByTestId('amend-reason').fill('第 4 项复核后为一般符合');
    await app.page.getByTestId('amend-confirm').click();
    await app.page.waitForURL((url) => !url.hash.endsWith(id));
    expect(await unexported()).toBe('1');
    expect(await text(app.page.getByTestId('unexported-count'))).toBe('1 份已定稿考核尚未导出或发送');

    await app.open(`#/audits/${id}`);
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByTestId('export-audit').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-r1\.ducha-audit\.json$/);
    await app.waitSaved();
    await eventually(async () => {
      expect(await unexported()).toBe('0');
    });
  });
});
