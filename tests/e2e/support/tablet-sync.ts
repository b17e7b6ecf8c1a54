import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { rankingSchema, auditRecordSchema } from '../../../src/domain/wire';
import { getJson } from '../../server/support/uploads';
import { AuditApp, eventually, fixtureGrades } from './pages';
import type { Account, RealServer } from './real-server';

/** The service worker has installed (every screen precached) and controls the page. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (registration.active?.state !== 'activated') {
      await new Promise<void>((resolve) =>
        registration.active?.addEventListener('statechange', () => {
          resolve();
        }),
      );
    }
  });
}

/** 设置 → 服务器: signs in as the account (address left empty: the app's own origin) and waits for enrolment. */
export async function signInOnTablet(page: Page, server: RealServer, account: Account, deviceLabel: string): Promise<void> {
  await page.goto(`${server.url}#/settings`);
  await page.getByTestId('server-username').fill(account.username);
  await page.getByTestId('server-password').fill(account.password);
  await page.getByTestId('server-device-label').fill(deviceLabel);
  await page.getByTestId('server-sign-in').click();
  await page.locator('[data-testid="server-signed-in"][data-enrolled="true"]').waitFor({ timeout: 15_000 });
}

/** Starts, grades (kf01-mixed: 63 of 95), signs and finalises a KF01 audit on the app already open; its id. */
export async function finaliseAuditOnTablet(page: Page, server: RealServer, site: string, auditor: string): Promise<string> {
  const app = new AuditApp(page);
  await page.goto(`${server.url}#/new`);
  const id = await app.startAudit({ rubric: 'KF01', site, auditor });
  await app.gradeAll(fixtureGrades('kf01-mixed'));
  await page.getByTestId('to-review').click();
  await app.sign('auditor', auditor);
  await app.sign('siteManager', '吴喆');
  await app.finalise();
  return id;
}

/** The list row's upload status of this revision (data-status: pending, uploading, uploaded, conflict, refused). */
export async function outboxStatusOf(page: Page, auditId: string): Promise<string | null> {
  const status = page.locator(`[data-testid="outbox-status"][data-audit-id="${auditId}"]`);
  if ((await status.count()) === 0) return null;
  return status.getAttribute('data-status');
}

export async function waitForOutboxStatus(page: Page, auditId: string, status: string, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => {
    // The row's text in the message: a wrong status then says why (the last error and what to do).
    const row = page.locator(`[data-testid="outbox-status"][data-audit-id="${auditId}"]`);
    const shown = (await row.count()) > 0 ? await row.textContent() : '(no status shown)';
    expect(await outboxStatusOf(page, auditId), shown ?? '').toBe(status);
  }, timeoutMs);
}

/** Head office's KF01 ranking, as the admin reads it over the API: site name → number of audits counted. */
export async function rankingCounts(server: RealServer): Promise<Record<string, number>> {
  const admin = await server.adminApi();
  const answer = await getJson(`${server.origin}/api/head-office/ranking?rubricId=KF01`, admin);
  expect(answer.status).toBe(200);
  return Object.fromEntries(rankingSchema.parse(answer.body).ranking.map((r) => [r.siteName, r.count]));
}

/** What the server holds for this audit id (accepted or held), or the HTTP status when it holds nothing. */
export async function serverRecord(server: RealServer, auditId: string) {
  const admin = await server.adminApi();
  const answer = await getJson(`${server.origin}/api/audits/${auditId}`, admin);
  return answer.status === 200 ? auditRecordSchema.parse(answer.body) : answer.status;
}
