import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newProfileDir } from './support/browser';
import { eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { finaliseAuditOnTablet, signInOnTablet } from './support/tablet-sync';

/** What down-sync stored on the tablet for its sheets to name (the publicUrl settings row), read from IndexedDB. */
function storedPublicUrl(page: Page): Promise<unknown> {
  return page.evaluate(
    () =>
      new Promise<unknown>((resolve, reject) => {
        const opened = indexedDB.open('ducha');
        opened.onerror = () => {
          reject(new Error('cannot open the database'));
        };
        opened.onsuccess = () => {
          const get = opened.result.transaction('settings').objectStore('settings').get('publicUrl');
          get.onsuccess = () => {
            const row: unknown = get.result;
            opened.result.close();
            resolve(row);
          };
        };
      }),
  );
}

const printedText = (file: string) =>
  execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');

/** A fresh load of the page (a hash change alone would keep the last result on screen). */
async function openFresh(page: Page, url: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.getByTestId('verify-file').waitFor({ state: 'attached' });
}

/** Chooses the file on the verification page and waits for head office's answer. */
async function upload(page: Page, file: string): Promise<string | null> {
  await page.getByTestId('verify-file').setInputFiles(file);
  const result = page.getByTestId('verify-result');
  await result.waitFor({ timeout: 30_000 });
  return result.getAttribute('data-sheet');
}

describe('the 验证 page a sealed sheet names (issue 18)', () => {
  let server: RealServer;
  const contexts: BrowserContext[] = [];
  const shots = mkdtempSync(join(tmpdir(), 'ducha-verify-shots-'));

  beforeAll(async () => {
    server = await startRealServer({ publicUrl: true });
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await server.dispose();
  });

  it('a tablet’s sheet names the page; anyone with it sees 完好 and the enrolled signer; changed copies are refused with the reason', async () => {
    const publicUrl = server.origin;
    const auditor = await server.createUser('auditor', { displayName: '周堃' });
    const tablet = await launch(newProfileDir());
    contexts.push(tablet.context);
    await signInOnTablet(tablet.page, server, auditor, '前台平板 3');
    // The app down-syncs when it starts: that brought the address, kept on the tablet, so the sheet below is
    // made from what is stored.
    await tablet.page.reload();
    await eventually(async () => {
      expect(await storedPublicUrl(tablet.page)).toEqual({ key: 'publicUrl', value: { version: 1, serverUrl: '', publicUrl } });
    }, 15_000);
    const auditId = await finaliseAuditOnTablet(tablet.page, server, '金地·燊海湾', '周堃');
    const [download] = await Promise.all([
      tablet.page.waitForEvent('download'),
      tablet.page.getByTestId('download-sheet').click(),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'ducha-verify-'));
    const sheet = join(dir, download.suggestedFilename());
    await download.saveAs(sheet);
    const printed = printedText(sheet);
    // Every footer and the seal block name the page: one sheet of KF01 is several pages.
    expect(printed).toContain(`验证Verify：${publicUrl}/#/verify`);
    expect(printed.split(`验证Verify：${publicUrl}/#/verify`).length - 1).toBeGreaterThanOrEqual(2);
    expect(printed).toContain('63/95得分率66.3%');

    // Someone with the PDF and nothing else: a fresh browser, never signed in, opens the page the sheet names.
    const reader = await launch(newProfileDir(), { width: 1024, height: 768 });
    contexts.push(reader.context);
    const { page } = reader;
    await openFresh(page, `${publicUrl}/#/verify`);
    await page.getByRole('heading', { level: 1, name: '核验评分表' }).waitFor();
    expect(await upload(page, sheet)).toBe('intact');
    expect(await text(page.getByTestId('verify-verdict'))).toContain('完好：文件与签章时的评分表完全一致。');
    expect(await text(page.getByTestId('verify-site'))).toBe('金地·燊海湾');
    expect(await text(page.getByTestId('verify-auditor'))).toBe('周堃');
    // kf01-mixed: 63 of 95 → 66.3 %
    expect(await text(page.getByTestId('verify-score'))).toBe('63 / 95（66.3%）');
    expect(await page.getByTestId('verify-signer').getAttribute('data-status')).toBe('enrolled');
    expect(await text(page.getByTestId('verify-signer'))).toContain('已登记：设备“前台平板 3”，督查员 周堃');
    const sealHash = await text(page.getByTestId('verify-seal-hash'));
    expect(sealHash).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: join(shots, 'intact-zh-1024x768.png'), fullPage: true });

    // Opened from the QR code: the audit and seal it names are shown and held against the file's.
    await openFresh(page, `${publicUrl}/#/verify?audit=${auditId}&seal=${sealHash}`);
    await page.getByTestId('verify-expected').waitFor();
    expect(await text(page.getByTestId('verify-expected'))).toContain(sealHash);
    expect(await upload(page, sheet)).toBe('intact');
    expect(await page.getByTestId('verify-qr').getAttribute('data-qr')).toBe('same');
    const otherSeal = `${sealHash.slice(0, 63)}${sealHash.endsWith('0') ? '1' : '0'}`;
    await openFresh(page, `${publicUrl}/#/verify?audit=${auditId}&seal=${otherSeal}`);
    await page.getByTestId('verify-expected').waitFor();
    expect(await upload(page, sheet)).toBe('intact');
    expect(await page.getByTestId('verify-qr').getAttribute('data-qr')).toBe('different');
    expect(await text(page.getByTestId('verify-qr'))).toContain('这不是二维码所指的那份评分表');

    // Bytes appended after the sheet: a PDF reader may show the appended version; refused, and why.
    const original = readFileSync(sheet);
    const appended = join(dir, 'appended.pdf');
    writeFileSync(appended, Buffer.concat([original, Buffer.from('\n% 追加的内容\n')]));
    await openFresh(page, `${publicUrl}/#/verify`);
    expect(await upload(page, appended)).toBe('tampered');
    expect(await text(page.getByTestId('verify-verdict'))).toContain('文件已被改动：它不是签章时的那份评分表。');
    expect(await text(page.getByTestId('verify-reason'))).toBe('文件末尾被追加了内容（PDF 阅读器可能显示的是追加后的内容）。');
    expect(await text(page.getByTestId('verify-detail'))).toContain('appended');
    expect(await text(page.getByTestId('verify-signer'))).toContain('文件与签章时不一致，不能据此确认签章人。');
    await page.screenshot({ path: join(shots, 'tampered-zh-1024x768.png'), fullPage: true });

    // One byte changed in the document, outside the seal: the re-made sheet differs.
    const changed = Buffer.from(original);
    const at = changed.indexOf('/CreationDate (D:');
    expect(at).toBeGreaterThan(0);
    const digit = at + '/CreationDate (D:'.length;
    changed[digit] = changed[digit] === 0x31 ? 0x32 : 0x31;
    const edited = join(dir, 'edited.pdf');
    writeFileSync(edited, changed);
    await openFresh(page, `${publicUrl}/#/verify`);
    expect(await upload(page, edited)).toBe('tampered');
    expect(await text(page.getByTestId('verify-reason'))).toBe('页面内容与签章记录不一致。');

    // English second, and a portrait tablet.
    await openFresh(page, `${publicUrl}/#/verify?audit=${auditId}&seal=${sealHash}`);
    await upload(page, sheet);
    await page.screenshot({ path: join(shots, 'intact-qr-zh-1024x768.png'), fullPage: true });
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.screenshot({ path: join(shots, 'intact-qr-zh-768x1024.png'), fullPage: true });
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { level: 1, name: 'Verify a score sheet' }).waitFor();
    expect(await text(page.getByTestId('verify-verdict'))).toContain('Intact: the file is exactly the score sheet as sealed.');
    await page.screenshot({ path: join(shots, 'intact-qr-en-768x1024.png'), fullPage: true });
    await upload(page, appended);
    await eventually(async () => {
      expect(await page.getByTestId('verify-result').getAttribute('data-sheet')).toBe('tampered');
    });
    await page.screenshot({ path: join(shots, 'tampered-en-768x1024.png'), fullPage: true });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: join(shots, 'tampered-en-1024x768.png'), fullPage: true });

    // Offline, the page says verification needs the server instead of pretending.
    await reader.context.setOffline(true);
    await page.getByTestId('verify-file').setInputFiles(sheet);
    await page.getByTestId('verify-error').waitFor();
    expect(await text(page.getByTestId('verify-error'))).toContain('Verification needs the Ducha server');
    await page.screenshot({ path: join(shots, 'offline-en-1024x768.png'), fullPage: true });
    // For a person to look at (the report names the folder).
    console.log(`verify-page screenshots: ${shots}`);
  });
});
