import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Download } from 'playwright-core';
import { EXIT, verifyCommand } from '../../src/cli/commands/verify';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, fixtureGrades } from './support/pages';

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function saved(download: Download): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'ducha-sheet-worker-')), download.suggestedFilename());
  await download.saveAs(file);
  return file;
}
const printed = (file: string): string =>
  execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');

describe('score sheets are made in a worker', () => {
  it('the sheet worker makes the sheet, keeps serving the page, and `ducha verify` re-makes its bytes', async () => {
    const launched = await launch(newProfileDir());
    context = launched.context;
    const app = new AuditApp(launched.page);
    const workers: string[] = [];
    app.page.on('worker', (worker) => workers.push(worker.url()));
    await app.newAudit({ rubric: 'KF01', site: '碧桂园凤凰城管理处', auditor: '王小明' });
    // kf01-mixed: 10 + 8 + 3 + 0 + 8 + 6 + 20 + 5 + 不适用 + 3 = 63 of 95 → 66.3 %
    await app.gradeAll(fixtureGrades('kf01-mixed'));
    await app.page.getByTestId('to-review').click();
    await app.sign('auditor', '王小明');
    await app.sign('siteManager', '李国强');
    await app.finalise();
    expect(workers.filter((url) => url.includes('sheet-worker'))).toEqual([]);

    const make = async () => {
      const [download] = await Promise.all([
        app.page.waitForEvent('download'),
        app.page.getByTestId('download-sheet').click(),
      ]);
      return saved(download);
    };
    const first = await make();
    const second = await make();
    // One worker, started by the first sheet and kept for the second (its fonts stay parsed there).
    expect(workers.filter((url) => /\/assets\/sheet-worker-[\w-]+\.js$/.test(url))).toHaveLength(1);
    expect(app.page.workers().filter((w) => w.url().includes('sheet-worker'))).toHaveLength(1);
    // Same seal, same bytes: the font parsed for the first sheet leaves nothing behind in the second.
    expect(readFileSync(second).equals(readFileSync(first))).toBe(true);

    const lines: string[] = [];
    const code = await verifyCommand(first, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(lines[0]).toMatch(
      /: valid — the pages show exactly what the seal says \(re-made byte for byte by renderer version 4\)$/,
    );
    expect(code).toBe(EXIT.valid);
    const text = printed(first);
    expect(text).toContain('63/95得分率66.3%');
    expect(text).toContain('被考核单位负责人签名:李国强');
    // Small: the font embeds only the characters drawn, and the seal travels compressed.
    expect(readFileSync(first).length).toBeLessThan(100_000);
  });

  it('where the worker cannot start, the page makes the sheet itself', async () => {
    // No service worker: the worker's script comes from the network, which refuses it.
    const launched = await launch(newProfileDir(), undefined, { serviceWorkers: 'block' });
    context = launched.context;
    const app = new AuditApp(launched.page);
    await context.route(/\/assets\/sheet-worker-[\w-]+\.js$/, (route) => route.abort('failed'));
    const fetched: string[] = [];
    app.page.on('request', (request) => fetched.push(request.url()));
    await app.newAudit({ rubric: 'KF01', site: '万科·城市花园', auditor: '李明' });
    await app.grade('1', 'compliant');
    await app.page.getByTestId('to-review').click();
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByTestId('download-sheet').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^督办记录表KF01-万科·城市花园-\d{4}-\d{2}-\d{2}-草稿\.pdf$/,
    );
    expect(fetched.filter((url) => /\/assets\/make-sheet-[\w-]+\.js$/.test(url))).toHaveLength(1);
    expect(printed(await saved(download))).toContain('被考核单位:万科·城市花园');
  });
});
