import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { shortKeyId, type Bundle, type SealSigner } from '../../src/domain/head-office';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, nodeSigner } from '../support/sealed-audit';
import { localDateTime } from '../../src/report/csv';
import { bundleOfEntries, NOTE, sealHeadOfficeAudits, STRONG, uploadAsTablet, WEAK } from '../server/support/head-office-audits';
import { seriousViolations, smallTouchTargets } from './support/a11y';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';
import { sealedEntry, writeTemp } from './support/trust';

const TABLET = '前台平板 1';
/** The tablet that sealed every audit here; its key is enrolled on the server when its auditor signs in. */
let tablet: SealSigner;

/**
 * The bundle head office drops: three sealed KF01 audits from two sites (kf01 fixtures, worked out in
 * tests/scoring/score-fixtures.test.ts): all-compliant 100 / 100 = 100.0 %; mixed 63 / 95 = 66.3 %
 * (item 4 不符合 0 / 15, item 7 基本符合 20 / 25).
 * STRONG: all-compliant (11-03) and mixed (11-17) → average (100.0 + 66.3) / 2 = 83.15 → 83.2 %, latest 66.3 %.
 * WEAK:   mixed (11-10), with a note on the 不符合 unit 4 → average 66.3 %.
 */
let sealed: Awaited<ReturnType<typeof sealHeadOfficeAudits>>;

/** A second tablet's bundle: audit …e01 again but with other grades (a conflict), and one altered after sealing. */
async function writeTroubleBundle(): Promise<string> {
  const rubric = loadRubric('KF01');
  const mixed = loadGrades(rubric, 'kf01-mixed');
  const entry = async (id: string, site: string, region: string, auditedAt: string): Promise<Bundle['audits'][number]> => {
    const base = finalisedAudit(rubric, mixed, { site });
    const audit = { ...base, id, lineageId: id, site: { id: `site-${site}`, name: site, region }, auditedAt };
    return (await sealedEntry(tablet, rubric, audit)).entry;
  };
  const conflicting = await entry('0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e01', STRONG, '华南', '2026-11-03T02:00:00.000Z');
  const sealedOne = await entry('0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e04', WEAK, '华北', '2026-11-12T02:00:00.000Z');
  const { envelope } = sealedOne;
  const altered = {
    ...sealedOne,
    envelope: {
      ...envelope,
      payload: { ...envelope.payload, audit: { ...envelope.payload.audit, auditor: '张三' } },
    },
  };
  return writeTemp('tablet-2.ducha', bundleOfEntries([conflicting, altered]));
}

/** Drops a file on the drop zone the way a browser does: a drop event carrying a DataTransfer. */
async function dropFile(page: Page, name: string, content: string): Promise<void> {
  await page.getByTestId('drop-zone').evaluate(
    (zone, file) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([file.content], file.name, { type: 'application/json' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { name, content },
  );
}

let server: RealServer;
let context: BrowserContext;
let app: AuditApp;
let bundlePath: string;
beforeAll(async () => {
  server = await startRealServer();
  tablet = await nodeSigner();
  sealed = await sealHeadOfficeAudits(tablet);
  // The tablet's auditor signs in once: that enrols its key (前台平板 1 · 王小明); its audits come by bundle.
  const auditor = await server.createUser('auditor', { displayName: '王小明' });
  await uploadAsTablet(await server.signIn(auditor), tablet, []);
  bundlePath = writeTemp('ducha-2026-11-24.ducha', bundleOfEntries(sealed.map((s) => s.entry)));
  const launched = await launch(newProfileDir());
  context = launched.context;
  app = new AuditApp(launched.page);
}, 120_000);
afterAll(async () => {
  await context.close();
  await server.dispose();
});

const statusesOf = async () =>
  app.page.getByTestId('upload-entry').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
/** The dashboard reads the server's figures when it opens: after an upload, open it again. */
async function reopen(): Promise<void> {
  await app.page.reload();
  await eventually(async () => {
    expect(await app.page.getByTestId('dashboard-source').getAttribute('data-source')).toBe('server');
  });
}

const site = (name: string) => app.page.locator('[data-testid="rank-row"]', { hasText: name });
const cell = async (siteName: string, itemId: string) => {
  const key = await site(siteName).getAttribute('data-site-key');
  return app.page.locator(
    `[data-testid="heat-cell"][data-site-key="${key ?? ''}"][data-item-id="${itemId}"]`,
  );
};

describe('the head-office dashboard', () => {
  it('uploads a bundle to the server, which stores all three from the enrolled tablet; the same file again changes nothing', async () => {
    await app.page.goto(`${server.url}#/dashboard`);
    await app.page.getByTestId('dashboard-empty').waitFor();
    await signInBrowser(app.page, server.admin);
    await reopen();
    await app.page.getByTestId('dashboard-server-empty').waitFor();
    // The register the server keeps names who signed: the tablet enrolled itself when 王小明 signed in.
    await eventually(async () => {
      expect(await app.page.getByTestId('key-row').count()).toBe(1);
    });
    expect(await text(app.page.getByTestId('key-row').locator('td').nth(1))).toBe(TABLET);
    expect(await text(app.page.getByTestId('key-row').locator('td').nth(2))).toBe('王小明');

    await app.page.getByTestId('import-file').setInputFiles(bundlePath);
    await eventually(async () => {
      expect(await statusesOf()).toEqual(['stored', 'stored', 'stored']);
    });
    expect(await text(app.page.getByTestId('upload-stored'))).toBe('存入 3 份');
    expect(await app.page.getByTestId('upload-unchanged').count()).toBe(0);
    expect(await app.page.getByTestId('upload-held').count()).toBe(0);
    const ids = await app.page.getByTestId('upload-entry').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-audit-id')));
    expect(ids).toEqual(sealed.map((s) => s.envelope.payload.audit.id));

    await app.page.getByTestId('import-file').setInputFiles(bundlePath);
    await eventually(async () => {
      expect(await statusesOf()).toEqual(['unchanged', 'unchanged', 'unchanged']);
    });
    expect(await text(app.page.getByTestId('upload-unchanged'))).toBe('服务器已有、无变化 3 份');
    expect(await app.page.getByTestId('upload-stored').count()).toBe(0);
    await reopen();
    await eventually(async () => {
      expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 3 份考核');
    });
  });

  it('says plainly when a dropped file is not a bundle, and the server stores nothing', async () => {
    await dropFile(app.page, 'broken.ducha', '{"format": "ducha.bundle", ');
    await eventually(async () => {
      expect(await app.page.getByTestId('import-result').getAttribute('data-kind')).toBe('failed');
    });
    expect(await text(app.page.getByTestId('import-result').locator('h3'))).toBe('broken.ducha');
    expect(await text(app.page.getByTestId('import-error'))).toMatch(/^上传失败，服务器未接收此文件：422 不是可读的 .ducha 文件 /);
    await dropFile(app.page, 'list.json', '[1, 2, 3]');
    await eventually(async () => {
      expect(await text(app.page.getByTestId('import-result').locator('h3'))).toBe('list.json');
    });
    expect(await app.page.getByTestId('import-result').getAttribute('data-kind')).toBe('failed');
    expect(await text(app.page.getByTestId('import-error'))).toMatch(/^上传失败，服务器未接收此文件：422 不是可读的 .ducha 文件 /);
    await reopen();
    await eventually(async () => {
      expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 3 份考核');
    });
  });

  it('keeps the existing audit on a conflict and refuses an altered one; the server lists the conflict with both sides', async () => {
    await app.page.getByTestId('import-file').setInputFiles(await writeTroubleBundle());
    await eventually(async () => {
      expect(await statusesOf()).toEqual(['conflict', 'refused']);
    });
    expect(await text(app.page.getByTestId('upload-conflict'))).toBe('冲突 1 份');
    expect(await text(app.page.getByTestId('upload-refused'))).toBe('拒收 1 份');
    expect(await app.page.getByTestId('upload-stored').count()).toBe(0);
    const entries = app.page.getByTestId('upload-entry');
    expect(await text(entries.nth(0))).toContain('第 1 份（考核编号 0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e01）：冲突，未采用');
    expect(await text(entries.nth(1))).toContain('第 2 份（考核编号 0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e04）：拒收');

    await app.page.getByTestId('held-refresh').click();
    const conflict = app.page.getByTestId('held-panel').getByTestId('conflict');
    await eventually(async () => {
      expect(await conflict.count()).toBe(1);
    });
    expect(await text(conflict.locator('.conflict__what'))).toBe(
      `${STRONG}(考核编号 0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e01):已有签章不同的同一份考核,保留原有记录,未覆盖。`,
    );
    expect(await text(conflict.getByTestId('conflict-kept'))).toBe(
      `保留:签章 ${shortKeyId(sealed[0]?.envelope.hash ?? '')} · ${TABLET} · 王小明`,
    );
    expect(await text(conflict.getByTestId('conflict-refused'))).toMatch(
      new RegExp(`^未采用:签章 [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} · ${TABLET} · 王小明 · 来自 bundle by ${server.admin.username} `),
    );
    // The altered audit never verified, so nothing waits for it either.
    expect(await app.page.getByTestId('held-none').count()).toBe(1);
    await reopen();
    await eventually(async () => {
      expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 3 份考核');
    });
  });

  it('ranks the two sites with the hand-computed averages and flags the weaker one with N = 1', async () => {
    const rows = app.page.getByTestId('rank-row');
    await eventually(async () => {
      expect(await rows.count()).toBe(2);
    });
    await app.page.getByTestId('bottom-n').selectOption('1');
    // The server ranks again for the new N.
    await eventually(async () => {
      expect(await rows.nth(1).getAttribute('data-bottom')).toBe('true');
    });
    expect(await text(rows.nth(0).getByTestId('rank-site'))).toBe(STRONG);
    expect(await text(rows.nth(0).getByTestId('rank-average'))).toBe('83.2%');
    expect(await text(rows.nth(0).getByTestId('rank-count'))).toBe('2');
    expect(await text(rows.nth(0).getByTestId('rank-latest'))).toBe('66.3%');
    expect(await text(rows.nth(0).getByTestId('rank-change'))).toBe('—');
    expect(await rows.nth(0).getAttribute('data-bottom')).toBe('false');
    expect(await text(rows.nth(1).getByTestId('rank-site'))).toBe(WEAK);
    expect(await text(rows.nth(1).getByTestId('rank-average'))).toBe('66.3%');
    expect(await text(rows.nth(1).getByTestId('rank-count'))).toBe('1');
    expect(await rows.nth(1).getAttribute('data-bottom')).toBe('true');

    // The trend follows the chosen site: STRONG's two audits, 100.0 % then 66.3 %.
    await rows.nth(0).getByTestId('rank-site').click();
    const chart = app.page.getByTestId('trend-chart');
    await eventually(async () => {
      expect(await chart.getAttribute('data-points')).toBe('2');
    });
    expect(await chart.getAttribute('aria-label')).toContain('最低 66.3%,最高 100.0%');
  });

  it('shows the hand-computed share of points lost and drills down to the note', async () => {
    // WEAK item 4: 不符合, 15 of 15 lost = 100.0 %; item 7: 基本符合 20 of 25, 5 lost = 20.0 %.
    // STRONG item 4: 0 of 15 lost (all-compliant) + 15 of 15 (mixed) = 15 of 30 = 50.0 %.
    expect(await text(await cell(WEAK, '4'))).toBe('100.0%');
    expect(await text(await cell(WEAK, '7'))).toBe('20.0%');
    expect(await text(await cell(STRONG, '4'))).toBe('50.0%');
    expect(await text(await cell(WEAK, '9'))).toBe('—');

    await (await cell(WEAK, '4')).click();
    const drill = app.page.getByTestId('drill-down');
    await drill.waitFor();
    await eventually(async () => {
      expect(await drill.getByTestId('drill-audit').count()).toBe(1);
    });
    const audit = drill.getByTestId('drill-audit');
    expect(await text(audit.locator('.drill-audit__head'))).toContain('本项得分 0 / 15');
    const unit = audit.locator('tr[data-unit-id="4"]');
    expect(await text(unit.locator('td').first())).toBe('不符合');
    expect(await text(unit.getByTestId('drill-note'))).toBe(NOTE);
    // The server verified the seal against its register: the browser has no register of its own to name it from.
    expect(await text(audit.getByTestId('drill-signer'))).toBe('签章:由服务器核验(设备密钥登记在服务器上)');
  });

  it('has no serious or critical axe violations, and 44 px touch targets on a phone', async () => {
    await app.page.waitForTimeout(300);
    expect(await seriousViolations(app.page)).toEqual([]);

    await app.page.setViewportSize({ width: 390, height: 844 });
    const small = await smallTouchTargets(
      app.page,
      'main button, main a, main label.button, main select, main input:not([type=file])',
    );
    expect(small).toEqual([]);
    await app.page.setViewportSize({ width: 1024, height: 1366 });
  });

  it('exports the audits in view as CSV with a BOM', async () => {
    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByTestId('export-audits-csv').click(),
    ]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8');
    // 考核时间 is a local date-time Excel reads, in the browser's own zone, which the header names.
    const zone = await app.page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(csv.startsWith(`\uFEFF单位,区域,考核表,考核时间(${zone}),考核人,得分,可得分,得分率(%)\r\n`)).toBe(
      true,
    );
    expect(csv).toContain(
      `${WEAK},华北,KF01,${localDateTime('2026-11-10T02:00:00.000Z', zone)},王小明,63,95,66.3\r\n`,
    );
    expect(localDateTime('2026-11-10T02:00:00.000Z', 'UTC')).toBe('2026-11-10 02:00');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
  });

  it('offers no removal of an audit from the drill-down: the server keeps what it took in', async () => {
    // Removing an imported audit was the browser's own head office; the server's record is not the dashboard's to drop.
    await (await cell(WEAK, '4')).click();
    const drill = app.page.getByTestId('drill-down');
    await drill.waitFor();
    await eventually(async () => {
      expect(await drill.getByTestId('drill-audit').count()).toBe(1);
    });
    expect(await drill.getByTestId('remove-import').count()).toBe(0);
    await reopen();
    await eventually(async () => {
      expect(await site(WEAK).count()).toBe(1);
      expect(await site(STRONG).count()).toBe(1);
    });
  });
});
