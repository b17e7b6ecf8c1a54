import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { deviceListSchema } from '../../src/domain/wire';
import { makeDeviceKeyFile } from '../../src/domain/index';
import { nodeSigner } from '../support/sealed-audit';
import { call, enrolOverHttp, freshAudit, postAudit, putFixtureImages, seal } from '../server/support/uploads';
import { killBrowser, launch, newProfileDir } from './support/browser';
import { eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import {
  finaliseAuditOnTablet,
  outboxStatusOf,
  rankingCounts,
  serverRecord,
  signInOnTablet,
  waitForOutboxStatus,
  waitForServiceWorker,
} from './support/tablet-sync';

let server: RealServer;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  server = await startRealServer();
}, 60_000);
afterAll(async () => {
  await server.dispose();
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
});

async function tablet(profileDir = newProfileDir(), serviceWorkers: 'allow' | 'block' = 'allow') {
  const launched = await launch(profileDir, undefined, { serviceWorkers });
  contexts.push(launched.context);
  return launched;
}

describe('every finalised audit reaches the server by itself', () => {
  it('a. two tablets, two auditors, finalise offline; back online both sync and head office ranks both within seconds', async () => {
    const zhou = await server.createUser('auditor', { displayName: '周堃' });
    const li = await server.createUser('auditor', { displayName: '李国强' });
    const one = await tablet();
    const two = await tablet();
    await signInOnTablet(one.page, server, zhou, '平板 1');
    await signInOnTablet(two.page, server, li, '平板 2');
    for (const { page } of [one, two]) {
      await page.goto(`${server.url}#/`);
      await waitForServiceWorker(page);
    }
    await one.context.setOffline(true);
    await two.context.setOffline(true);
    const idOne = await finaliseAuditOnTablet(one.page, server, '金地·燊海湾', '周堃');
    const idTwo = await finaliseAuditOnTablet(two.page, server, '万科·城市花园', '李国强');

    // Offline: each shows its audit 待上传, and the header counts it.
    for (const [{ page }, id] of [
      [one, idOne],
      [two, idTwo],
    ] as const) {
      await page.goto(`${server.url}#/`);
      await waitForOutboxStatus(page, id, 'pending');
      expect(await text(page.locator(`[data-testid="outbox-status"][data-audit-id="${id}"] .outbox-status__label`))).toBe('待上传');
      expect(await page.getByTestId('unsent-indicator').getAttribute('data-count')).toBe('1');
    }
    expect(await rankingCounts(server)).toEqual({});

    await one.context.setOffline(false);
    await two.context.setOffline(false);
    const online = Date.now();
    await eventually(async () => {
      expect(await rankingCounts(server)).toEqual({ '金地·燊海湾': 1, '万科·城市花园': 1 });
    }, 10_000);
    expect(Date.now() - online).toBeLessThan(10_000);
    for (const [{ page }, id] of [
      [one, idOne],
      [two, idTwo],
    ] as const) {
      await waitForOutboxStatus(page, id, 'uploaded');
      expect(await page.getByTestId('unsent-indicator').getAttribute('data-count')).toBe('0');
      const record = await serverRecord(server, id);
      expect(record).toMatchObject({ status: 'accepted', auditId: id, revision: 1 });
    }
  });

  it('c. server down: the outbox retries with backoff, then drains when it is back — no duplicate, no loss', async () => {
    const wang = await server.createUser('auditor', { displayName: '王喆' });
    const { page } = await tablet();
    await signInOnTablet(page, server, wang, '平板 3');
    await page.goto(`${server.url}#/`);
    await waitForServiceWorker(page);
    await server.stop();
    let isDown = true;
    try {
      const first = await finaliseAuditOnTablet(page, server, '招商·蛇口花园', '王喆');
      const second = await finaliseAuditOnTablet(page, server, '华润·幸福里', '王喆');
      await page.goto(`${server.url}#/`);
      // Tried and failed at least twice (the loop retries by itself), each time kept 待上传 with the reason.
      await eventually(async () => {
        const row = page.locator(`[data-testid="outbox-status"][data-audit-id="${first}"]`);
        expect(await row.getAttribute('data-status')).toBe('pending');
        expect(await row.getByTestId('outbox-error').getAttribute('data-code')).toBe('offline');
        expect(await text(row.getByTestId('outbox-action'))).toBe('联网后会自动重试,无需操作。');
        expect(Number(/已尝试 (\d+) 次/.exec(await text(row))?.[1] ?? 0)).toBeGreaterThanOrEqual(2);
      }, 20_000);
      expect(await outboxStatusOf(page, second)).toBe('pending');
      expect(await page.getByTestId('unsent-indicator').getAttribute('data-count')).toBe('2');
      await server.restart();
      isDown = false;
      await waitForOutboxStatus(page, first, 'uploaded', 40_000);
      await waitForOutboxStatus(page, second, 'uploaded', 40_000);
      const counts = await rankingCounts(server);
      expect([counts['招商·蛇口花园'], counts['华润·幸福里']]).toEqual([1, 1]);
      for (const id of [first, second]) expect(await serverRecord(server, id)).toMatchObject({ status: 'accepted', auditId: id });
      expect(await page.getByTestId('unsent-indicator').getAttribute('data-count')).toBe('0');
    } finally {
      if (isDown) await server.restart().catch(() => undefined);
    }
  });

  it('b. the browser killed mid-upload: after a restart on the same profile the upload completes, and the server holds one copy', async () => {
    const zheng = await server.createUser('auditor', { displayName: '郑昇' });
    const profileDir = newProfileDir();
    // Service workers blocked: page.route must see the app's own API requests.
    const { page } = await tablet(profileDir, 'block');
    await signInOnTablet(page, server, zheng, '平板 4');
    // The envelope reaches the server (which stores it and answers), but the answer never reaches the app.
    let reachedServer: (status: number) => void = () => undefined;
    const stored = new Promise<number>((resolve) => {
      reachedServer = resolve;
    });
    await page.route('**/api/audits', async (route) => {
      const answer = await route.fetch();
      reachedServer(answer.status());
      // Never fulfilled: the browser dies waiting.
    });
    const id = await finaliseAuditOnTablet(page, server, '保利·天悦', '郑昇');
    expect(await stored).toBe(201);
    await page.goto(`${server.url}#/`);
    await waitForOutboxStatus(page, id, 'uploading');
    expect(await page.getByTestId('unsent-indicator').getAttribute('data-count')).toBe('1');
    killBrowser(profileDir);
    contexts.splice(0);

    const again = await tablet(profileDir);
    await again.page.goto(`${server.url}#/`);
    // Whether Chromium wrote the session cookie to disk before it was killed is up to Chromium. With it, the resend
    // goes by itself; without it, the resend is answered 401 and the audit waits (待上传), asking for a sign-in
    // rather than counting as failed. Either way it must end 已上传 with one copy on the server.
    await eventually(async () => {
      const after = await outboxStatusOf(again.page, id);
      const action = await again.page
        .locator(`[data-testid="outbox-status"][data-audit-id="${id}"]`)
        .getByTestId('outbox-action')
        .getAttribute('data-action', { timeout: 500 })
        .catch(() => null);
      expect(after === 'uploaded' || (after === 'pending' && action === 'sign-in'), `status ${String(after)}, action ${String(action)}`).toBe(true);
    }, 20_000);
    // Settled: 已上传 stays, and 待上传 waiting for a sign-in stays until one.
    if ((await outboxStatusOf(again.page, id)) === 'pending') {
      expect(await text(again.page.getByTestId('unsent-indicator'))).toBe('1 份待上传 · 需重新登录');
      await again.page.getByTestId('unsent-indicator').click();
      await again.page.getByTestId('unsent-filter').waitFor();
      expect(await again.page.getByTestId('audit-row').count()).toBe(1);
      await again.page.goto(`${server.url}#/settings`);
      await again.page.getByTestId('server-session-lost').waitFor();
      await again.page.getByTestId('server-username').fill(zheng.username);
      await again.page.getByTestId('server-password').fill(zheng.password);
      await again.page.getByTestId('server-sign-in').click();
      await eventually(async () => {
        expect(await again.page.getByTestId('server-session-lost').count()).toBe(0);
      });
    }
    await again.page.goto(`${server.url}#/`);
    await waitForOutboxStatus(again.page, id, 'uploaded');
    expect(await again.page.getByTestId('unsent-indicator').getAttribute('data-count')).toBe('0');
    expect(await serverRecord(server, id)).toMatchObject({ status: 'accepted', auditId: id, revision: 1 });
    expect((await rankingCounts(server))['保利·天悦']).toBe(1);
  });

  it('d. a revoked device is shown 被拒 with the reason; another seal already on the server for that audit shows 冲突 with both hashes', async () => {
    const feng = await server.createUser('auditor', { displayName: '冯赟' });
    const { page, context } = await tablet();
    await signInOnTablet(page, server, feng, '平板 5');
    await page.goto(`${server.url}#/`);
    await waitForServiceWorker(page);

    // A conflict: offline, the tablet seals an audit; meanwhile another seal for the same audit id and revision
    // (another enrolled key of the same auditor) reaches the server first.
    await context.setOffline(true);
    const conflicted = await finaliseAuditOnTablet(page, server, '龙湖·春江郦城', '冯赟');
    const api = await server.signIn(feng);
    const otherKey = await nodeSigner();
    const keyFile = await makeDeviceKeyFile(otherKey, { deviceLabel: '备用平板', auditor: '冯赟', createdAt: new Date().toISOString() });
    if (!keyFile.ok) throw new Error(JSON.stringify(keyFile.issues));
    expect((await enrolOverHttp(api, otherKey, keyFile.value)).status).toBe(201);
    const audit = freshAudit({ site: '龙湖·春江郦城' });
    const theirs = await seal({ ...audit, id: conflicted, lineageId: conflicted }, otherKey);
    await putFixtureImages(api);
    expect((await postAudit(api, theirs)).status).toBe(201);
    await context.setOffline(false);
    await page.goto(`${server.url}#/`);
    await waitForOutboxStatus(page, conflicted, 'conflict');
    const row = page.locator(`[data-testid="outbox-status"][data-audit-id="${conflicted}"]`);
    expect(await text(row.getByTestId('conflict-theirs'))).toBe(theirs.hash);
    const ours = await text(row.getByTestId('conflict-ours'));
    expect(ours).toMatch(/^[0-9a-f]{64}$/);
    expect(ours).not.toBe(theirs.hash);
    expect(await text(row.getByTestId('outbox-conflict'))).toContain('请联系总部');

    // Revoked: head office revokes this tablet's key; the next audit it seals is refused, and says why.
    const admin = await server.adminApi();
    const devices = deviceListSchema.parse((await call(admin, 'GET', '/api/devices')).body).devices;
    const tabletKey = devices.find((d) => d.username === feng.username && d.deviceLabel === '平板 5');
    if (!tabletKey) throw new Error('the tablet key is not in the register');
    expect((await call(admin, 'POST', `/api/devices/${tabletKey.keyId}/revoke`, { reason: '平板遗失' })).status).toBe(200);
    const refused = await finaliseAuditOnTablet(page, server, '龙湖·天街', '冯赟');
    await page.goto(`${server.url}#/`);
    await waitForOutboxStatus(page, refused, 'refused');
    const refusedRow = page.locator(`[data-testid="outbox-status"][data-audit-id="${refused}"]`);
    expect(await text(refusedRow.locator('.outbox-status__label'))).toBe('被拒');
    expect(await refusedRow.getByTestId('outbox-error').getAttribute('data-code')).toBe('revoked-key');
    expect(await text(refusedRow.getByTestId('outbox-action'))).toBe('本机密钥已被总部吊销,此设备封存的考核不会再被接受。请联系总部。');
    expect(await serverRecord(server, refused)).toBe(404);
    // The server has neither: the header still counts both as not uploaded.
    expect(await page.getByTestId('unsent-indicator').getAttribute('data-count')).toBe('2');

    // Signing out warns with that number and keeps them: after signing in again both are listed as before.
    await page.goto(`${server.url}#/settings`);
    await page.getByTestId('server-sign-out').click();
    expect(await page.getByTestId('sign-out-unsent').getAttribute('data-count')).toBe('2');
    expect(await text(page.getByTestId('sign-out-unsent'))).toContain('退出不会删除它们');
    await page.getByTestId('sign-out-dialog').getByRole('button', { name: '退出登录' }).click();
    await page.getByTestId('server-username').waitFor();
    await page.goto(`${server.url}#/`);
    await page.getByTestId('audit-row').first().waitFor();
    expect(await page.getByTestId('unsent-indicator').count()).toBe(0);
    expect(await page.getByTestId('outbox-status').count()).toBe(0);
    // Signing in again: the revoked key cannot be enrolled again, and 设置 says why.
    await page.goto(`${server.url}#/settings`);
    await page.getByTestId('server-username').fill(feng.username);
    await page.getByTestId('server-password').fill(feng.password);
    await page.getByTestId('server-sign-in').click();
    await page.locator('[data-testid="server-signed-in"][data-enrolled="false"]').waitFor();
    expect(await text(page.getByTestId('server-enrolment'))).toContain('登记被拒');
    expect(await text(page.getByTestId('server-enrolment'))).toContain('was revoked');
    await page.goto(`${server.url}#/`);
    await waitForOutboxStatus(page, conflicted, 'conflict');
    await waitForOutboxStatus(page, refused, 'refused');
  });

  it('Background Sync: the service worker answers the outbox tag by telling the open app to run a pass', async () => {
    const { page } = await tablet();
    await page.goto(`${server.url}#/`);
    await waitForServiceWorker(page);
    const message = await page.evaluate(
      () =>
        new Promise<string>((resolve, reject) => {
          setTimeout(() => {
            reject(new Error('no message from the service worker within 10 s'));
          }, 10_000);
          navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) => {
            resolve(JSON.stringify(event.data));
          });
          void navigator.serviceWorker.ready.then(async (registration) => {
            // The SyncManager is not in TypeScript's DOM types: reach it without a cast.
            const sync: unknown = Reflect.get(registration, 'sync');
            const register: unknown = typeof sync === 'object' && sync !== null ? Reflect.get(sync, 'register') : undefined;
            if (typeof register !== 'function') {
              reject(new Error('no Background Sync in this browser'));
              return;
            }
            await Reflect.apply(register, sync, ['ducha-outbox']);
          });
        }),
    );
    expect(JSON.parse(message)).toEqual({ type: 'ducha-outbox-sync' });
  });
});
