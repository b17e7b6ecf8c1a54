import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, verifyCommand } from '../../src/cli/commands/verify';
import { makeDeviceKeyFile, siteKeyOf, type Audit } from '../../src/domain/index';
import { nodeSigner } from '../support/sealed-audit';
import { enrolOverHttp, freshAudit, postAudit, putFixtureImages, seal } from '../server/support/uploads';
import { launch, newProfileDir } from './support/browser';
import { eventually } from './support/pages';
import { startRealServer, type Account, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';

const SITE_A = '碧桂园凤凰城管理处';
const SITE_B = '万科城市花园管理处';
const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T02:30:00.000Z`;
const auditOn = (site: string, day: number): Audit => ({ ...freshAudit({ site }), auditedAt: at(day) });

/** What the page gets when it asks the server itself, with the session cookie the browser holds. */
interface PageAnswer {
  readonly status: number;
  readonly text: string;
}

describe('a 管理处负责人 signed in sees their own sites’ audits only, and downloads their sheets', () => {
  let server: RealServer;
  let manager: Account;
  let context: BrowserContext | undefined;
  const a20 = auditOn(SITE_A, 20);
  const a24 = auditOn(SITE_A, 24);
  const b23 = auditOn(SITE_B, 23);

  beforeAll(async () => {
    server = await startRealServer();
    // An auditor's tablet enrols its key by signing in, seals three audits and uploads them (two sites).
    const auditorAccount = await server.createUser('auditor', { displayName: '王小明' });
    const auditor = await server.signIn(auditorAccount);
    const tablet = await nodeSigner();
    const keyFile = await makeDeviceKeyFile(tablet, { deviceLabel: '前台平板 3', auditor: '王小明', createdAt: '2026-11-01T00:00:00.000Z' });
    if (!keyFile.ok) throw new Error(JSON.stringify(keyFile.issues));
    expect((await enrolOverHttp(auditor, tablet, keyFile.value)).status).toBe(201);
    await putFixtureImages(auditor);
    for (const audit of [a20, a24, b23]) expect((await postAudit(auditor, await seal(audit, tablet))).status).toBe(201);
    manager = await server.createUser('site-manager', { displayName: '李国强', siteKeys: [siteKeyOf({ name: SITE_A })] });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await server.dispose();
  });

  it('lists site A’s audits only, opens one, downloads its signed sheet, is refused site B by the API, and offline says it needs the server', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const { page } = launched;
    await page.goto(server.url);
    await page.getByTestId('site-search').waitFor();
    // Not signed in: no 本单位考核 in the nav.
    expect(await page.getByTestId('nav-site-audits').count()).toBe(0);
    await signInBrowser(page, manager);
    await page.reload();

    await page.getByTestId('nav-site-audits').click();
    const rows = page.getByTestId('site-audit-row');
    await eventually(async () => {
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-audit-id')))).toEqual([a24.id, a20.id]);
    });
    const table = (await page.getByTestId('site-audits-table').textContent()) ?? '';
    expect(table).toContain(SITE_A);
    expect(table).not.toContain(SITE_B);
    // kf01-mixed: 63 of 95 → 66.3 %, as the sheet-worker test computes it by hand.
    expect(await rows.first().getByTestId('site-audit-total').textContent()).toBe('63 / 95 (66.3%)');
    expect(await rows.first().getByTestId('site-audit-grades').textContent()).toMatch(/^符合 \d+ · .*不适用 1$/);
    // The site filter offers the manager's sites only.
    const options = await page.getByTestId('site-audits-site').locator('option').allTextContents();
    expect(options).toEqual(['全部管理处', SITE_A]);

    await rows.first().getByTestId('site-audit-open').click();
    expect(await page.getByTestId('site-audit-site').textContent()).toBe(SITE_A);
    await eventually(async () => {
      expect(await page.getByTestId('site-audit-earned').textContent()).toBe('63');
    });
    expect(await page.getByTestId('site-audit-item').count()).toBe(10);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('site-audit-download').click()]);
    const file = join(mkdtempSync(join(tmpdir(), 'ducha-site-sheet-')), download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(new RegExp(`-${SITE_A}-2026-11-24-r1\\.pdf$`));
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const printed = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(printed).toContain(SITE_A);
    expect(printed).toContain('63/95得分率66.3%');
    // The sheet carries the tablet's seal and shows exactly what it says: `ducha verify` re-makes it byte for byte.
    const lines: string[] = [];
    const code = await verifyCommand(file, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/: valid — the pages show exactly what the seal says/);
    expect(code).toBe(EXIT.valid);

    // The page asks the server itself for site B, with the manager's session: refused or empty, never B's data.
    const asked = await page.evaluate(
      async ({ otherId, otherSite }) => {
        const get = async (path: string) => {
          const response = await fetch(path, { headers: { 'x-ducha-csrf': '1' }, credentials: 'same-origin' });
          return { status: response.status, text: await response.text() };
        };
        return {
          record: await get(`/api/audits/${otherId}`),
          envelope: await get(`/api/audits/${otherId}/envelope`),
          list: await get(`/api/audits?site=${encodeURIComponent(otherSite)}`),
        };
      },
      { otherId: b23.id, otherSite: siteKeyOf({ name: SITE_B }) },
    );
    const refused = (answer: PageAnswer) => [answer.status, answer.text.includes(SITE_B)];
    expect(refused(asked.record)).toEqual([403, false]);
    expect(refused(asked.envelope)).toEqual([403, false]);
    expect([asked.list.status, JSON.parse(asked.list.text)]).toEqual([200, { audits: [], nextCursor: null }]);
    // Opening site B's audit by its address in the app shows nothing of it.
    await page.goto(`${server.url}#/site-audits/${b23.id}`);
    await page.getByTestId('site-audit-error').waitFor();
    expect(await page.getByTestId('site-audit-error').textContent()).toContain('不属于您负责的管理处');
    expect(await page.locator('main').textContent()).not.toContain(SITE_B);

    // Offline: the list says it needs the server, and the device kept no audit of the server's.
    await context.setOffline(true);
    await page.goto(`${server.url}#/site-audits`);
    await page.getByTestId('site-audits-error').waitFor();
    expect(await page.getByTestId('site-audits-error').textContent()).toContain('考核列表需要连接服务器');
    expect(await rows.count()).toBe(0);
    const stored = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('ducha');
          open.onerror = () => {
            reject(open.error ?? new Error('open'));
          };
          open.onsuccess = () => {
            const count = open.result.transaction('audits').objectStore('audits').count();
            count.onsuccess = () => {
              resolve(count.result);
            };
          };
        }),
    );
    expect(stored).toBe(0);
  }, 180_000);
});
