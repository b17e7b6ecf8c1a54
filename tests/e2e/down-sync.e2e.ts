import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { proposalDecisionReceiptSchema, proposalListSchema, publishReceiptSchema, siteSchema } from '../../src/domain/wire';
import { call } from '../server/support/uploads';
import type { SignedIn } from '../server/support/sessions';
import { launch, newProfileDir } from './support/browser';
import { eventually, repoRoot, text } from './support/pages';
import { startRealServer, type Account, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';

const kf02: unknown = JSON.parse(readFileSync(join(repoRoot, 'rubrics', 'KF02.json'), 'utf8'));
const kf02Next = z.looseObject({ title: z.string() }).transform((r) => ({ ...r, title: `${r.title}(2027 版)` })).parse(kf02);

/** The audit as the tablet stored it, read straight from IndexedDB. */
const storedAuditSchema = z.looseObject({
  rubricFingerprint: z.string(),
  site: z.looseObject({ id: z.string(), name: z.string(), code: z.string().optional() }),
});
async function storedAudit(page: Page, id: string) {
  const row = await page.evaluate(
    (auditId) =>
      new Promise<unknown>((resolve, reject) => {
        const opening = indexedDB.open('ducha');
        opening.onerror = () => {
          reject(new Error(String(opening.error)));
        };
        opening.onsuccess = () => {
          const db = opening.result;
          const get = db.transaction('audits').objectStore('audits').get(auditId);
          get.onsuccess = () => {
            db.close();
            resolve(get.result);
          };
        };
      }),
    id,
  );
  return storedAuditSchema.parse(row);
}

const optionTexts = async (page: Page, testId: string) =>
  (await page.getByTestId(testId).locator('option').allTextContents()).map((t) => t.trim());

async function startAudit(page: Page, siteValue: string, auditor = '王小明'): Promise<string> {
  await page.getByTestId('rubric-select').selectOption('KF02');
  await page.getByTestId('site-select').selectOption(siteValue);
  await page.getByTestId('auditor').fill(auditor);
  await page.getByTestId('start-audit').click();
  await page.waitForURL(/#\/audits\/[0-9a-f-]{36}$/);
  const id = /#\/audits\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  if (!id) throw new Error(`no audit id in ${page.url()}`);
  await page.getByTestId('running-total').waitFor();
  return id;
}

/** The value of the picker's option whose label starts with this text. */
async function siteOptionValue(page: Page, label: string): Promise<string> {
  const option = page.getByTestId('site-select').locator('option', { hasText: label });
  const value = await option.first().getAttribute('value');
  if (value === null) throw new Error(`no site option ${label}`);
  return value;
}

describe('down-sync with the real server: sites, rubric versions and site proposals', () => {
  let server: RealServer;
  let admin: SignedIn;
  let auditor: Account;
  let context: BrowserContext;
  let page: Page;
  const profile = newProfileDir();
  const syncs: { status: number; ifNoneMatch: string | undefined }[] = [];
  const proposalPosts: string[] = [];

  beforeAll(async () => {
    server = await startRealServer();
    admin = await server.adminApi();
    auditor = await server.createUser('auditor', { displayName: '王小明' });
    ({ context, page } = await launch(profile));
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/site-proposals')
        proposalPosts.push(request.postData() ?? '');
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/sync')
        syncs.push({ status: response.status(), ifNoneMatch: response.request().headers()['if-none-match'] });
    });
  }, 120_000);
  afterAll(async () => {
    await context.close();
    await server.dispose();
    rmSync(profile, { recursive: true, force: true });
  });

  it('offers the server’s site and the newest rubric version, sends an offline site as a proposal, and shows it accepted', async () => {
    // Head office publishes a site and a new KF02 version over the API.
    const put = await call(admin, 'PUT', '/api/sites/sz01', { name: '深圳湾一号管理处', region: '华南' });
    expect(siteSchema.parse(put.body)).toMatchObject({ code: 'SZ01', siteKey: 'code:SZ01', active: true });
    const published = await call(admin, 'POST', '/api/rubrics', kf02Next);
    expect(published.status).toBe(201);
    const newVersion = publishReceiptSchema.parse(published.body).rubric.fingerprint;

    // The tablet signs in; the down-sync runs when the app starts.
    await page.goto(server.url);
    await eventually(() => signInBrowser(page, auditor).then(() => undefined));
    await page.goto(`${server.url}#/new`);
    await page.reload();
    await eventually(async () => {
      expect(await optionTexts(page, 'site-select')).toContain('深圳湾一号管理处 (SZ01 · 华南)');
    });
    const kf02Option = page.getByTestId('rubric-select').locator('option[value="KF02"]');
    expect(await kf02Option.getAttribute('data-fingerprint')).toBe(newVersion);
    expect(await text(kf02Option)).toContain('(2027 版)');
    expect(await page.getByTestId('site-select').locator('optgroup').first().getAttribute('label')).toBe('总部的单位');

    const first = await startAudit(page, 'server:SZ01');
    expect(await storedAudit(page, first)).toMatchObject({
      rubricFingerprint: newVersion,
      site: { id: 'server:SZ01', name: '深圳湾一号管理处', code: 'SZ01' },
    });

    // Offline, the auditor adds a site: usable at once, marked as not yet sent.
    await context.setOffline(true);
    await page.goto(`${server.url}#/new`);
    await page.getByTestId('site-select').selectOption('new');
    await page.getByTestId('site-name').fill('前海新增管理处');
    await page.getByTestId('auditor').fill('王小明');
    await page.getByTestId('start-audit').click();
    await page.waitForURL(/#\/audits\/[0-9a-f-]{36}$/);
    const offlineAudit = /#\/audits\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
    const proposalId = (await storedAudit(page, offlineAudit)).site.id;
    await page.goto(`${server.url}#/new`);
    await page.getByTestId('site-select').selectOption(proposalId);
    expect(await page.getByTestId('site-proposal-state').getAttribute('data-status')).toBe('unsent');
    expect(proposalPosts).toEqual([]);

    // Back online: the proposal goes out with the tablet's id, and head office sees it pending.
    await context.setOffline(false);
    await eventually(() => {
      expect(proposalPosts.map((body) => z.looseObject({ id: z.string(), name: z.string() }).parse(JSON.parse(body)))).toEqual([
        { id: proposalId, name: '前海新增管理处', region: '' },
      ]);
      return Promise.resolve();
    });
    const pending = proposalListSchema.parse((await call(admin, 'GET', '/api/site-proposals')).body).proposals;
    expect(pending.map((p) => [p.id, p.name, p.status, p.proposedBy])).toEqual([[proposalId, '前海新增管理处', 'pending', auditor.username]]);
    await eventually(async () => {
      await page.goto(`${server.url}#/new`);
      await page.getByTestId('site-select').selectOption(proposalId);
      expect(await text(page.getByTestId('site-proposal-state'))).toContain('待审核');
    });

    // Head office accepts it as SZ09; the tablet's next sync (设置 → 立即同步) shows it accepted.
    const decided = await call(admin, 'POST', `/api/site-proposals/${proposalId}/decision`, { decision: 'accept', code: 'sz09' });
    expect(proposalDecisionReceiptSchema.parse(decided.body).site.code).toBe('SZ09');
    await page.goto(`${server.url}#/settings`);
    await page.getByTestId('down-sync-now').click();
    await eventually(async () => {
      expect(await text(page.getByTestId('down-sync-result'))).toMatch(/^已更新:考核表版本 0 个,单位 1 个,提议结果 1 条。$/);
    });
    await page.goto(`${server.url}#/new`);
    await eventually(async () => {
      expect(await optionTexts(page, 'site-select')).toContain('前海新增管理处 — 已采纳');
    });
    await page.getByTestId('site-select').selectOption(await siteOptionValue(page, '前海新增管理处 — 已采纳'));
    expect(await text(page.getByTestId('site-proposal-state'))).toContain('SZ09');
    const afterAccept = await startAudit(page, proposalId);
    expect((await storedAudit(page, afterAccept)).site).toEqual({ id: 'server:SZ09', name: '前海新增管理处', code: 'SZ09' });
    // The audit made offline keeps the site it recorded.
    expect((await storedAudit(page, offlineAudit)).site).toEqual({ id: proposalId, name: '前海新增管理处' });

    // Nothing new: a sync costs one request, and once the tablet holds the answer to its cursor, it is a 304.
    const syncNow = async (): Promise<number | undefined> => {
      const before = syncs.length;
      await page.goto(`${server.url}#/settings`);
      await page.getByTestId('down-sync-now').click();
      await eventually(async () => {
        expect(await page.getByTestId('down-sync-now').isEnabled()).toBe(true);
        expect(syncs.length).toBe(before + 1);
      });
      return syncs.at(-1)?.status;
    };
    const emptyAnswer = await syncNow();
    expect(emptyAnswer).toBe(200); // the first answer to the new cursor: empty, with its ETag
    expect(await syncNow()).toBe(304);
    expect(syncs.at(-1)?.ifNoneMatch).toMatch(/^"sync-\d+-\d+-/);
    expect(await text(page.getByTestId('down-sync-result'))).toBe('已是最新。');
  });
});
