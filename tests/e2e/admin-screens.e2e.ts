import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BrowserContext, Page } from 'playwright-core';
import { makeDeviceKeyFile } from '../../src/domain/index';
import {
  deviceListSchema,
  deviceSchema,
  rubricListSchema,
  siteListSchema,
  userListSchema,
} from '../../src/domain/wire';
import type { SignedIn } from '../server/support/sessions';
import { nodeSigner } from '../support/sealed-audit';
import { enrolOverHttp } from '../server/support/uploads';
import { launch, newProfileDir } from './support/browser';
import { eventually, repoRoot, text } from './support/pages';
import { startRealServer, type Account, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';

/** UI text settles after the server answers: poll it. */
const POLL = { timeout: 10_000 };

/** A GET as the admin, parsed with the wire schema: what the server now holds, not what the screen says. */
async function serverState<S extends z.ZodType>(api: SignedIn, path: string, schema: S): Promise<z.infer<S>> {
  const response = await fetch(`${api.baseUrl}${path}`, { headers: api.headers });
  expect(response.status).toBe(200);
  return schema.parse(await response.json());
}

async function openAdmin(page: Page, tab: 'users' | 'sites' | 'devices' | 'rubrics' | 'log'): Promise<void> {
  await page.getByTestId('nav-admin').click();
  await page.getByTestId(`admin-tab-${tab}`).click();
}

describe('head office’s admin screens against the real server', () => {
  let server: RealServer;
  let api: SignedIn;
  let context: BrowserContext;
  let page: Page;
  const tempDir = mkdtempSync(join(tmpdir(), 'ducha-admin-e2e-'));

  beforeAll(async () => {
    server = await startRealServer();
    api = await server.adminApi();
    ({ context, page } = await launch(newProfileDir()));
    await page.goto(server.url);
    await page.getByTestId('language-switch').waitFor();
    await signInBrowser(page, server.admin);
    await page.reload(); // the app reads the link it did not write itself
  }, 120_000);
  afterAll(async () => {
    await context.close();
    await server.dispose();
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('adds a site, checking the form with the wire schema first; the server holds exactly what was typed', async () => {
    await openAdmin(page, 'sites');
    await page.getByTestId('admin-site-code').fill('bj01');
    await page.getByTestId('admin-site-save').click();
    // Refused here, before sending: the name is required (siteInputSchema), said in Chinese beside the field.
    await expect.poll(() => text(page.getByTestId('admin-site-name-error')), POLL).toContain('请填写名称');
    expect((await serverState(api, '/api/sites', siteListSchema)).sites).toEqual([]);

    await page.getByTestId('admin-site-name').fill('北京朝阳一处');
    await page.getByTestId('admin-site-region').fill('华北');
    await page.getByTestId('admin-site-manager').fill('李四');
    await page.getByTestId('admin-site-save').click();
    await expect.poll(() => text(page.getByTestId('admin-site-status')), POLL).toBe('已保存管理处 BJ01。');
    const [site] = (await serverState(api, '/api/sites', siteListSchema)).sites;
    expect(site).toMatchObject({
      code: 'BJ01',
      siteKey: 'code:BJ01',
      name: '北京朝阳一处',
      region: '华北',
      manager: '李四',
      active: true,
    });
    await expect.poll(() => text(page.getByTestId('admin-site-row-BJ01')), POLL).toContain('北京朝阳一处');
  });

  it('accepts a site a tablet proposed, under the code head office chooses', async () => {
    const auditor = await server.createUser('auditor', { displayName: '赵督查' });
    const session = await server.signIn(auditor);
    const proposalId = '3f1e2d3c-4b5a-4697-8887-766554433221';
    const proposed = await fetch(`${server.origin}/api/site-proposals`, {
      method: 'POST',
      headers: { ...session.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ id: proposalId, name: '上海浦东二处', region: '华东' }),
    });
    expect(proposed.status).toBe(201);
    await page.getByTestId('admin-proposals-refresh').click();
    const card = page.getByTestId(`admin-proposal-${proposalId}`);
    await card.getByTestId('admin-proposal-code').fill('sh02');
    await card.getByTestId('admin-proposal-decide').click();
    await expect
      .poll(() => text(page.getByTestId('admin-proposal-status')), POLL)
      .toBe('已接受:新管理处 SH02。');
    const sites = (await serverState(api, '/api/sites', siteListSchema)).sites;
    expect(sites.map((s) => [s.code, s.name, s.region])).toEqual([
      ['BJ01', '北京朝阳一处', '华北'],
      ['SH02', '上海浦东二处', '华东'],
    ]);
    await eventually(async () => {
      await expect.poll(() => text(page.getByTestId('admin-site-row-SH02')), POLL).toContain('上海浦东二处');
    });
  });

  it('creates an auditor and a site manager with a site; a taken username is explained in Chinese with the server’s words', async () => {
    await openAdmin(page, 'users');
    const form = page.getByTestId('admin-create-user');
    await form.getByTestId('admin-user-username').fill('wang.xm');
    await form.getByTestId('admin-user-display-name').fill('王小明');
    await form.getByTestId('admin-user-password').fill('short');
    await form.getByTestId('admin-user-create').click();
    // newUserSchema refuses it before it is sent.
    await expect
      .poll(() => text(form.getByTestId('admin-user-password-error')), POLL)
      .toContain('密码至少 10 个字符');
    expect((await serverState(api, '/api/users', userListSchema)).users.map((u) => u.username)).not.toContain(
      'wang.xm',
    );

    await form.getByTestId('admin-user-password').fill('一二三四五六七八九十');
    await form.getByTestId('admin-user-create').click();
    await expect
      .poll(() => text(form.getByTestId('admin-user-create-status')), POLL)
      .toBe('已创建用户 wang.xm(督查员)。');
    await eventually(async () => {
      await expect
        .poll(() => text(page.getByTestId('admin-user-row-wang.xm').getByTestId('admin-user-role')), POLL)
        .toBe('督查员');
    });

    await form.getByTestId('admin-user-username').fill('wang.xm');
    await form.getByTestId('admin-user-display-name').fill('另一个王小明');
    await form.getByTestId('admin-user-password').fill('一二三四五六七八九十');
    await form.getByTestId('admin-user-create').click();
    const refused = form.getByTestId('admin-user-create-status-error');
    expect(await refused.getAttribute('data-error')).toBe('conflict');
    await expect.poll(() => text(refused), POLL).toContain('与服务器上已有的数据冲突');
    await expect
      .poll(() => text(refused.getByTestId('admin-user-create-status-error-details')), POLL)
      .toContain('is taken');

    await form.getByTestId('admin-user-username').fill('li.si');
    await form.getByTestId('admin-user-display-name').fill('李四');
    await form.getByTestId('admin-user-role-site-manager').check();
    await form.getByTestId('admin-user-sites-BJ01').check();
    await form.getByTestId('admin-user-create').click();
    await expect
      .poll(() => text(form.getByTestId('admin-user-create-status')), POLL)
      .toBe('已创建用户 li.si(管理处负责人)。');

    const users = (await serverState(api, '/api/users', userListSchema)).users;
    expect(
      users
        .filter((u) => u.username === 'wang.xm' || u.username === 'li.si')
        .map((u) => [u.username, u.displayName, u.role, u.siteKeys]),
    ).toEqual([
      ['wang.xm', '王小明', 'auditor', []],
      ['li.si', '李四', 'site-manager', ['code:BJ01']],
    ]);
    const row = page.getByTestId('admin-user-row-li.si');
    await eventually(async () => {
      await expect.poll(() => text(row.getByTestId('admin-user-sites')), POLL).toBe('北京朝阳一处(BJ01)');
    });
    await expect.poll(() => text(row.getByTestId('admin-user-role')), POLL).toBe('管理处负责人');

    // A site manager's sites, changed: now both.
    await row.getByTestId('admin-user-edit-sites').click();
    await row.getByTestId('admin-user-sites-edit-SH02').check();
    await row.getByTestId('admin-user-sites-save').click();
    await expect
      .poll(() => text(page.getByTestId('admin-users-status')), POLL)
      .toBe('已更新 li.si 负责的管理处。');
    const liSi = (await serverState(api, '/api/users', userListSchema)).users.find(
      (u) => u.username === 'li.si',
    );
    expect(liSi?.siteKeys).toEqual(['code:BJ01', 'code:SH02']);
  });

  it('resets a password and disables an account; the server then refuses the old password and the account', async () => {
    const row = page.getByTestId('admin-user-row-wang.xm');
    await row.getByTestId('admin-user-reset-password').click();
    await row.getByTestId('admin-password-input').fill('新的密码新的密码新的');
    await row.getByTestId('admin-password-save').click();
    await expect
      .poll(() => text(page.getByTestId('admin-users-status')), POLL)
      .toBe('已为 wang.xm 设置新密码,该账号在各设备上需重新登录。');
    const signInAs = (password: string) =>
      fetch(`${server.origin}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ducha-csrf': '1' },
        body: JSON.stringify({ username: 'wang.xm', password }),
      }).then((r) => r.status);
    expect(await signInAs('一二三四五六七八九十')).toBe(401);
    expect(await signInAs('新的密码新的密码新的')).toBe(200);

    await row.getByTestId('admin-user-disable').click();
    await page.getByTestId('admin-disable-dialog-confirm').click();
    await expect.poll(() => text(page.getByTestId('admin-users-status')), POLL).toBe('已停用用户 wang.xm。');
    const wang = (await serverState(api, '/api/users', userListSchema)).users.find(
      (u) => u.username === 'wang.xm',
    );
    expect(wang?.disabledAt).not.toBeNull();
    expect(await signInAs('新的密码新的密码新的')).toBe(401);
    await eventually(async () => {
      await expect.poll(() => text(row.getByTestId('admin-user-status')), POLL).toMatch(/^已停用/);
    });
  });

  it('revokes a device key an auditor enrolled, with a reason, after confirming', async () => {
    const auditor = await server.createUser('auditor', { displayName: '钱督查' });
    const session = await server.signIn(auditor);
    const tablet = await nodeSigner();
    const file = await makeDeviceKeyFile(tablet, {
      deviceLabel: '前台平板 7',
      auditor: '钱督查',
      createdAt: '2026-11-30T08:00:00.000Z',
    });
    if (!file.ok) throw new Error(JSON.stringify(file.issues));
    const enrolled = await enrolOverHttp(session, tablet, file.value);
    expect(enrolled.status).toBe(201);
    const device = deviceSchema.parse(enrolled.body);

    await openAdmin(page, 'devices');
    const row = page.getByTestId(`admin-device-row-${device.keyId}`);
    await expect.poll(() => text(row), POLL).toContain(device.fingerprint);
    await expect.poll(() => text(row.getByTestId('admin-device-status')), POLL).toBe('有效');
    await row.getByTestId('admin-device-revoke').click();
    // Cancelling changes nothing on the server.
    await page.getByTestId('admin-revoke-dialog-cancel').click();
    expect((await serverState(api, '/api/devices', deviceListSchema)).devices[0]?.revokedAt).toBeNull();

    await row.getByTestId('admin-device-revoke').click();
    await page.getByTestId('admin-revoke-dialog-reason').fill('平板遗失');
    await page.getByTestId('admin-revoke-dialog-confirm').click();
    await expect
      .poll(() => text(page.getByTestId('admin-devices-status')), POLL)
      .toBe(`已吊销密钥 ${device.fingerprint}。`);
    const [stored] = (await serverState(api, '/api/devices', deviceListSchema)).devices;
    expect(stored).toMatchObject({ keyId: device.keyId, revokedReason: '平板遗失' });
    expect(stored?.revokedAt).not.toBeNull();
    await eventually(async () => {
      await expect.poll(() => text(row.getByTestId('admin-device-status')), POLL).toContain('原因:平板遗失');
    });
  });

  it('publishes a rubric file; a broken one is refused with every problem where the server says it is', async () => {
    const kf01 = z
      .record(z.string(), z.unknown())
      .parse(JSON.parse(readFileSync(join(repoRoot, 'rubrics', 'KF01.json'), 'utf8')));
    const scale = z.array(z.record(z.string(), z.unknown())).parse(kf01.scale);
    const broken = { ...kf01, scale: scale.map((level, i) => (i === 0 ? { ...level, factor: 1.5 } : level)) };
    const brokenFile = join(tempDir, 'KF01-broken.json');
    writeFileSync(brokenFile, JSON.stringify(broken));
    const notJsonFile = join(tempDir, 'notes.json');
    writeFileSync(notJsonFile, '{ "id": "KF01", ');

    await openAdmin(page, 'rubrics');
    await expect
      .poll(() => text(page.getByTestId('admin-rubrics')), POLL)
      .toContain('服务器上还没有发布的考核表');
    await page.getByTestId('admin-rubric-file').setInputFiles(notJsonFile);
    await expect
      .poll(() => text(page.getByTestId('admin-rubric-status-error')), POLL)
      .toContain('notes.json 不是有效的 JSON 文件,未发布');

    await page.getByTestId('admin-rubric-file').setInputFiles(brokenFile);
    const refused = page.getByTestId('admin-rubric-status-error');
    await eventually(async () => {
      expect(await refused.getAttribute('data-error')).toBe('invalidRubric');
    });
    await expect.poll(() => text(refused), POLL).toContain('这个文件不是有效的考核表,未发布');
    // The server's own issue list, line for line.
    const answer = await fetch(`${server.origin}/api/rubrics`, {
      method: 'POST',
      headers: { ...api.headers, 'content-type': 'application/json' },
      body: JSON.stringify(broken),
    });
    expect(answer.status).toBe(422);
    const issues = z
      .object({ error: z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) }) })
      .parse(await answer.json()).error.issues;
    expect(issues[0]?.path).toBe('scale[0].factor');
    expect(
      await refused.getByTestId('admin-rubric-status-error-details').locator('li').allTextContents(),
    ).toEqual(issues.map((i) => `${i.path}: ${i.message}`));
    expect((await serverState(api, '/api/rubrics', rubricListSchema)).rubrics).toEqual([]);

    await page.getByTestId('admin-rubric-file').setInputFiles(join(repoRoot, 'rubrics', 'KF01.json'));
    await expect
      .poll(() => text(page.getByTestId('admin-rubric-status')), POLL)
      .toMatch(/^已发布 KF01\.json:KF01《.+》。$/);
    const published = (await serverState(api, '/api/rubrics', rubricListSchema)).rubrics;
    expect(published.map((r) => [r.rubricId, r.publishedBy])).toEqual([['KF01', server.admin.username]]);
    await eventually(async () => {
      await expect
        .poll(() => text(page.getByTestId('admin-rubric-row-KF01')), POLL)
        .toContain(published[0]?.fingerprint.slice(0, 19) ?? '?');
    });
    await page.getByTestId('admin-rubric-file').setInputFiles(join(repoRoot, 'rubrics', 'KF01.json'));
    await expect
      .poll(() => text(page.getByTestId('admin-rubric-status')), POLL)
      .toBe('KF01.json 与已发布的版本完全相同,未重复发布。');
  });

  it('shows the activity log, newest first, in Chinese', async () => {
    await openAdmin(page, 'log');
    await page.getByTestId('admin-log-table').waitFor();
    const actions = await page
      .getByTestId('admin-log-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(actions.slice(0, 3)).toEqual(['rubric-published', 'device-revoked', 'device-enrolled']);
    await expect.poll(() => text(page.getByTestId('admin-log-row').first()), POLL).toContain('发布考核表');
  });

  it('offline, says the screens need the server', async () => {
    await openAdmin(page, 'devices');
    await page.getByTestId('admin-devices-table').waitFor();
    await context.setOffline(true);
    try {
      await page.getByTestId('admin-offline').waitFor();
      await expect
        .poll(() => text(page.getByTestId('admin-offline')), POLL)
        .toContain('管理页面需要连接服务器');
      await page.getByTestId('admin-devices-refresh').click();
      const error = page.getByTestId('admin-devices-error');
      await error.waitFor();
      expect(await error.getAttribute('data-error')).toBe('offline');
      await expect.poll(() => text(error), POLL).toContain('连不上服务器');
    } finally {
      await context.setOffline(false);
    }
  });
});

describe('an auditor signed in on a tablet', () => {
  let server: RealServer;
  let context: BrowserContext;
  let page: Page;
  let auditor: Account;
  /** Every URL the browser fetched, the service worker's precaching included. */
  const fetched: string[] = [];

  beforeAll(async () => {
    server = await startRealServer();
    auditor = await server.createUser('auditor', { displayName: '孙督查' });
    ({ context, page } = await launch(newProfileDir()));
    context.on('request', (request) => fetched.push(request.url()));
    await page.goto(server.url);
    await page.getByTestId('language-switch').waitFor();
    await signInBrowser(page, auditor);
    await page.reload(); // the app reads the link it did not write itself
  }, 120_000);
  afterAll(async () => {
    await context.close();
    await server.dispose();
  });

  it('never downloads the admin screens’ code, not even into the service worker’s precache', async () => {
    await page.waitForFunction(() => document.documentElement.dataset.screensPreloaded === 'true');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    expect(fetched.some((url) => url.includes('/assets/DashboardPage-'))).toBe(true); // precache seen at all
    expect(fetched.filter((url) => url.includes('AdminPage'))).toEqual([]);
  });

  it('has no 管理 link; the admin route says it is for head office only, and the server refuses anyway', async () => {
    await page.goto(`${server.url}#/admin`);
    const notice = page.getByTestId('admin-head-office-only');
    await notice.waitFor();
    expect(await text(notice)).toBe(
      '此页面仅供总部管理员使用。当前登录的是督查员“孙督查”,没有管理权限;服务器也会拒绝这些操作。',
    );
    // The notice proves the stored link has been read; the header reads the same link and shows no 管理.
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    expect(await page.getByTestId('admin-tab-users').count()).toBe(0);
    // The same session cookie, straight at the admin routes.
    const statuses = await page.evaluate(async () => {
      const headers = { 'x-ducha-csrf': '1', 'content-type': 'application/json' };
      const list = await fetch('/api/users', { headers });
      const create = await fetch('/api/users', {
        method: 'POST',
        headers,
        body: JSON.stringify({
          username: 'sneaky',
          displayName: '某人',
          role: 'admin',
          password: 'abcdefghijkl',
        }),
      });
      return [list.status, create.status];
    });
    expect(statuses).toEqual([403, 403]);
  });
});
