import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, fixtureGrades, text } from './support/pages';

declare global {
  interface Window {
    /** While true, every IndexedDB put/add throws the way a full disk does. */
    __failWrites?: boolean;
    /** How many puts/adds the switch has refused so far. */
    __refusedWrites?: number;
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
    const refuse = () => {
      window.__refusedWrites = (window.__refusedWrites ?? 0) + 1;
      return quota();
    };
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (window.__failWrites === true) throw refuse();
      return realPut.apply(this, args);
    };
    IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (window.__failWrites === true) throw refuse();
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

    // Reloading now would lose the unsaved note: the browser asks first; staying keeps it on screen.
    const asked: string[] = [];
    app.page.once('dialog', (dialog) => {
      asked.push(dialog.type());
      void dialog.dismiss();
    });
    await app.page.reload({ timeout: 3000 }).catch(() => undefined);
    expect(asked).toEqual(['beforeunload']);
    expect(await app.page.getByTestId('note-3').inputValue()).toBe(note);

    // Review: every unit is graded and both have signed, yet 定稿 is refused and says what is not saved.
    await app.page.getByTestId('to-review').click();
    const unsaved = app.page.getByTestId('unsaved-list');
    await unsaved.waitFor();
    expect(await text(unsaved)).toContain('不能定稿');
    expect(await text(unsaved)).toContain('第 3 项 的备注(保存失败)');
    expect(await text(unsaved)).toContain('第 4 项 的评分(保存失败)');
    expect(await app.page.getByTestId('finalise').isDisabled()).toBe(true);

    // 重试 while the disk is still full: still refused. Wait until both writes were tried again and refused:
    // freeing space while the retry still runs would let it succeed, and the banner would go before its 重试.
    const refused = () => app.page.evaluate(() => window.__refusedWrites ?? 0);
    const refusedBefore = await refused();
    const banner = app.page.getByTestId('save-error');
    await banner.getByRole('button', { name: '重试' }).click();
    await eventually(async () => {
      expect(await refused()).toBeGreaterThanOrEqual(refusedBefore + 2);
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
    // Finalised: the note is read-only text now, not an input.
    expect(await text(app.page.getByTestId('note-3'))).toBe(note);
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

  it('inputs show their limits and keep what was typed: a 242-character site name, a 5,000-character note, a signer name typed without leaving the field', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    await app.open('#/new');
    await app.page.getByTestId('rubric-select').selectOption('KF01');
    const longSite = '碧桂园'.repeat(80) + '燊城'; // 242 characters
    await app.page.getByTestId('site-name').fill(longSite);
    await app.page.getByTestId('auditor').fill('周堃');
    await app.page.getByTestId('start-audit').click();
    const siteError = app.page.getByText('单位名称最多 200 字,请删减后再开始考核');
    await siteError.waitFor();
    expect(app.page.url()).toMatch(/#\/new$/);
    expect(await app.page.getByTestId('site-name').inputValue()).toBe(longSite);
    expect(await text(app.page.locator('.char-count--over'))).toBe('242/200');

    await app.page.getByTestId('site-name').fill('碧桂园·燊城');
    await app.page.getByTestId('start-audit').click();
    await app.page.waitForURL(/#\/audits\/[0-9a-f-]{36}$/);
    const id = /#\/audits\/([0-9a-f-]{36})/.exec(app.page.url())?.[1] ?? '';
    await app.page.getByTestId('running-total').waitFor();

    // 5,000 characters: kept on screen, counted, refused in Chinese, and the header says 未保存.
    const long = '服务'.repeat(2500);
    const note = app.page.getByTestId('note-3');
    await note.fill(long);
    await app.page.getByTestId('note-error-3').waitFor();
    expect(await text(app.page.getByTestId('note-error-3'))).toContain('备注最多 4000 字,现在超出 1000 字');
    expect(await note.inputValue()).toBe(long);
    await eventually(async () => {
      expect(await app.page.getByTestId('save-status').getAttribute('data-state')).toBe('failed');
    });
    // Shortened to the limit: stored, and there after a reload.
    await note.fill(long.slice(0, 4000));
    await app.waitSaved();
    expect(await app.page.getByTestId('note-error-3').count()).toBe(0);

    // The signer's name is stored as it is typed, with no blur.
    await app.open(`#/audits/${id}/review`);
    await app.page.getByTestId('signer-name-siteManager').pressSequentially('钱堃');
    await app.waitSaved();
    await app.page.reload();
    await app.page.getByTestId('signer-name-siteManager').waitFor();
    expect(await app.page.getByTestId('signer-name-siteManager').inputValue()).toBe('钱堃');
    await app.open(`#/audits/${id}`);
    await app.page.getByTestId('note-3').waitFor();
    expect((await app.page.getByTestId('note-3').inputValue()).length).toBe(4000);
  });

  it('a draft can be deleted after confirming, and stays deleted after a reload', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF01', site: '招商·雍景湾', auditor: '郑昇' });
    await app.grade('1', 'compliant');
    await app.open('#/');
    const row = app.page.locator(`[data-testid="audit-row"][data-audit-id="${id}"]`);
    await row.getByTestId('delete-draft').click();
    const dialog = app.page.getByTestId('delete-draft-dialog');
    await dialog.waitFor();
    expect(await text(dialog.locator('h2'))).toBe('删除 招商·雍景湾 的这份草稿?');
    await dialog.getByRole('button', { name: '取消' }).click();
    expect(await row.count()).toBe(1);
    await row.getByTestId('delete-draft').click();
    await app.page.getByTestId('delete-draft-dialog-confirm').click();
    await eventually(async () => {
      expect(await row.count()).toBe(0);
    });
    await app.page.reload();
    await app.page.getByTestId('unexported-count').waitFor();
    expect(await app.page.getByTestId('audit-row').count()).toBe(0);
  });

  it('a tab left on an old version hears the newer one: 请保存后刷新, and its typed note is stored before it lets go', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const id = await app.newAudit({ rubric: 'KF01', site: '龙湖·天街', auditor: '冯赟' });
    await app.page.getByTestId('note-3').fill('升级前输入的备注');
    // Another tab opens the database at a newer version (as a new release would).
    const other = await context.newPage();
    await other.goto(`${app.page.url().split('#')[0] ?? ''}manifest.webmanifest`);
    const banner = app.page.getByTestId('version-change');
    const upgraded = other.evaluate(
      async ([auditId]) =>
        new Promise<string>((resolve, reject) => {
          const request = indexedDB.open('ducha', 1000);
          request.onerror = () => {
            reject(new Error(request.error?.message ?? 'open failed'));
          };
          request.onsuccess = () => {
            const db = request.result;
            const get = db.transaction('answers').objectStore('answers').get([auditId ?? '', '3']);
            get.onsuccess = () => {
              const row: unknown = get.result;
              resolve(typeof row === 'object' && row !== null && 'note' in row ? String(row.note) : '');
            };
          };
        }),
      [id],
    );
    await banner.waitFor();
    expect(await text(banner)).toContain('请保存后刷新');
    expect(await upgraded).toBe('升级前输入的备注');
  });
});
