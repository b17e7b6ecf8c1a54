import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { bundleSchema, type Bundle, type Grades, type Rubric, type SealSigner } from '../../src/domain/head-office';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, nodeSigner } from '../support/sealed-audit';
import { localDateTime } from '../../src/report/csv';
import { seriousViolations, smallTouchTargets } from './support/a11y';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';
import { enrolThroughPanel, fingerprintOf, sealedEntry, writeKeyFile } from './support/trust';

const STRONG = '万科·喆园管理处';
const WEAK = '碧桂园·凤凰城管理处';
const NOTE = '未使用规范欢迎词,语气生硬';
const TABLET = '前台平板 1';
/** The tablet that sealed every audit here; head office enrols its key before importing. */
let tablet: SealSigner;

async function entry(
  rubric: Rubric,
  grades: Grades,
  options: { id: string; site: string; region: string; auditedAt: string; notes?: Record<string, string> },
): Promise<Bundle['audits'][number]> {
  const base = finalisedAudit(rubric, grades, {
    site: options.site,
    ...(options.notes ? { notes: options.notes } : {}),
  });
  // finalisedAudit has one fixed id: every audit here needs its own, or the import would see one audit three times.
  const audit = {
    ...base,
    id: options.id,
    lineageId: options.id,
    site: { id: `site-${options.site}`, name: options.site, region: options.region },
    auditedAt: options.auditedAt,
  };
  return (await sealedEntry(tablet, rubric, audit)).entry;
}

/**
 * Three sealed KF01 audits from two sites (kf01 fixtures, worked out in tests/scoring/score-fixtures.test.ts):
 *   all-compliant 100 / 100 = 100.0 %;  mixed 63 / 95 = 66.3 % (item 4 不符合 0 / 15, item 7 基本符合 20 / 25).
 * STRONG: all-compliant (11-03) and mixed (11-17) → average (100.0 + 66.3) / 2 = 83.15 → 83.2 %, latest 66.3 %.
 * WEAK:   mixed (11-10), with a note on the 不符合 unit 4 → average 66.3 %.
 */
async function writeBundle(): Promise<string> {
  const rubric = loadRubric('KF01');
  const compliant = loadGrades(rubric, 'kf01-all-compliant');
  const mixed = loadGrades(rubric, 'kf01-mixed');
  const bundle = bundleSchema.parse({
    format: 'ducha.bundle',
    version: 1,
    createdAt: '2026-11-24T08:00:00.000Z',
    audits: [
      await entry(rubric, compliant, {
        id: '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e01',
        site: STRONG,
        region: '华南',
        auditedAt: '2026-11-03T02:00:00.000Z',
      }),
      await entry(rubric, mixed, {
        id: '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e02',
        site: WEAK,
        region: '华北',
        auditedAt: '2026-11-10T02:00:00.000Z',
        notes: { '4': NOTE },
      }),
      await entry(rubric, mixed, {
        id: '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e03',
        site: STRONG,
        region: '华南',
        auditedAt: '2026-11-17T02:00:00.000Z',
      }),
    ],
  });
  const path = join(mkdtempSync(join(tmpdir(), 'ducha-bundle-')), 'ducha-2026-11-24.ducha');
  writeFileSync(path, JSON.stringify(bundle));
  return path;
}

/** A second tablet's bundle: audit …e01 again but with other grades (a conflict), and one altered after sealing. */
async function writeTroubleBundle(): Promise<string> {
  const rubric = loadRubric('KF01');
  const mixed = loadGrades(rubric, 'kf01-mixed');
  const conflicting = await entry(rubric, mixed, {
    id: '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e01',
    site: STRONG,
    region: '华南',
    auditedAt: '2026-11-03T02:00:00.000Z',
  });
  const sealedOne = await entry(rubric, mixed, {
    id: '0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e04',
    site: WEAK,
    region: '华北',
    auditedAt: '2026-11-12T02:00:00.000Z',
  });
  const { envelope } = sealedOne;
  const altered = {
    ...sealedOne,
    envelope: {
      ...envelope,
      payload: { ...envelope.payload, audit: { ...envelope.payload.audit, auditor: '张三' } },
    },
  };
  const bundle = {
    format: 'ducha.bundle',
    version: 1,
    createdAt: '2026-11-25T08:00:00.000Z',
    audits: [conflicting, altered],
  };
  const path = join(mkdtempSync(join(tmpdir(), 'ducha-bundle-')), 'tablet-2.ducha');
  writeFileSync(path, JSON.stringify(bundle));
  return path;
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

let context: BrowserContext;
let app: AuditApp;
let bundlePath: string;
beforeAll(async () => {
  tablet = await nodeSigner();
  bundlePath = await writeBundle();
  const launched = await launch(newProfileDir());
  context = launched.context;
  app = new AuditApp(launched.page);
});
afterAll(async () => {
  await context.close();
});

const site = (name: string) => app.page.locator('[data-testid="rank-row"]', { hasText: name });
const cell = async (siteName: string, itemId: string) => {
  const key = await site(siteName).getAttribute('data-site-key');
  return app.page.locator(
    `[data-testid="heat-cell"][data-site-key="${key ?? ''}"][data-item-id="${itemId}"]`,
  );
};

describe('the head-office dashboard', () => {
  it('imports a bundle from an enrolled tablet, naming who signed, and a second import of the same file changes nothing', async () => {
    await app.open('#/dashboard');
    await app.page.getByTestId('dashboard-empty').waitFor();
    expect(
      await enrolThroughPanel(app.page, await writeKeyFile(tablet, TABLET, '王小明'), fingerprintOf(tablet)),
    ).toBe(`已登记 ${TABLET} · 王小明。原待确认的考核中有 0 份现已纳入比较。`);
    await app.page.getByTestId('import-file').setInputFiles(bundlePath);
    await eventually(async () => {
      expect(await app.page.getByTestId('import-stored').getAttribute('data-count')).toBe('3');
    });
    expect(await text(app.page.getByTestId('import-stored'))).toBe('新存入 3 份');
    expect(await text(app.page.getByTestId('import-unchanged'))).toBe('已导入过、无变化 0 份');
    const accepted = app.page.getByTestId('import-accepted-entry');
    expect(await accepted.count()).toBe(3);
    expect(await text(accepted.first())).toBe(`${STRONG} · KF01 修订 1 · 签章:${TABLET} · 王小明`);
    expect(await app.page.getByTestId('import-held').count()).toBe(0);

    await app.page.getByTestId('import-file').setInputFiles(bundlePath);
    await eventually(async () => {
      expect(await app.page.getByTestId('import-unchanged').getAttribute('data-count')).toBe('3');
    });
    expect(await text(app.page.getByTestId('import-unchanged'))).toBe('已导入过、无变化 3 份');
    expect(await text(app.page.getByTestId('import-stored'))).toBe('新存入 0 份');
    expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 3 份考核');
  });

  it('says plainly when a dropped file is not JSON or not a bundle, and stores nothing', async () => {
    await dropFile(app.page, 'broken.ducha', '{"format": "ducha.bundle", ');
    await eventually(async () => {
      expect(await app.page.getByTestId('import-result').getAttribute('data-kind')).toBe('parseError');
    });
    expect(await text(app.page.getByTestId('import-error').locator('p').first())).toBe(
      '不是有效的 JSON 文件,未写入任何数据。',
    );
    expect(await text(app.page.getByTestId('import-problem'))).toBe(
      'JSON 在文件结尾处不完整,文件可能没有传完整。',
    );
    // The parser's own (English) words only inside the folded 详情.
    expect(await app.page.getByTestId('import-error-detail').isVisible()).toBe(false);
    await dropFile(app.page, 'list.json', '[1, 2, 3]');
    await eventually(async () => {
      expect(await app.page.getByTestId('import-result').getAttribute('data-kind')).toBe('notBundle');
    });
    expect(await text(app.page.getByTestId('import-error').locator('p').first())).toBe(
      '不是督查数据包,未写入任何数据。',
    );
    expect(await text(app.page.getByTestId('import-problem'))).toBe(
      '文件既不是新版数据包(zip),也不是旧版数据包(以 { 开头的 JSON)。',
    );
    expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 3 份考核');
  });

  it('keeps the existing audit on a conflict and refuses an altered one, naming both', async () => {
    await app.page.getByTestId('import-file').setInputFiles(await writeTroubleBundle());
    await eventually(async () => {
      expect(await app.page.getByTestId('import-result').getAttribute('data-kind')).toBe('report');
    });
    expect(await text(app.page.getByTestId('import-stored'))).toBe('新存入 0 份');
    expect(await text(app.page.getByTestId('import-conflicts'))).toBe('冲突 1 份');
    const conflict = app.page.getByTestId('import-result').getByTestId('conflict');
    expect(await text(conflict.locator('.conflict__what'))).toBe(
      `${STRONG}(考核编号 0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e01):已有签章不同的同一份考核,保留原有记录,未覆盖。`,
    );
    expect(await text(conflict.getByTestId('conflict-kept'))).toMatch(
      new RegExp(`^保留:签章 [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} · ${TABLET} · 王小明$`),
    );
    expect(await text(conflict.getByTestId('conflict-refused'))).toMatch(
      /^未采用:签章 .* · 来自 tablet-2\.ducha$/,
    );
    expect(await text(app.page.getByTestId('import-refused'))).toBe('拒收 1 份');
    expect(await text(app.page.getByTestId('import-refusal'))).toContain(
      '第 2 条(考核编号 0b6c1f3e-1a2b-4c3d-8e4f-5a6b7c8d9e04):',
    );
    expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 3 份考核');
  });

  it('ranks the two sites with the hand-computed averages and flags the weaker one with N = 1', async () => {
    const rows = app.page.getByTestId('rank-row');
    await eventually(async () => {
      expect(await rows.count()).toBe(2);
    });
    await app.page.getByTestId('bottom-n').selectOption('1');
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
    expect(await chart.getAttribute('data-points')).toBe('2');
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
    expect(await drill.getByTestId('drill-audit').count()).toBe(1);
    const audit = drill.getByTestId('drill-audit');
    expect(await text(audit.locator('.drill-audit__head'))).toContain('本项得分 0 / 15');
    const unit = audit.locator('tr[data-unit-id="4"]');
    expect(await text(unit.locator('td').first())).toBe('不符合');
    expect(await text(unit.getByTestId('drill-note'))).toBe(NOTE);
    expect(await text(audit.getByTestId('drill-signer'))).toBe(`签章:${TABLET} · 王小明`);
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

  it('head office removes an imported audit after confirming, and it leaves the comparison', async () => {
    await (await cell(WEAK, '4')).click();
    const drill = app.page.getByTestId('drill-down');
    await drill.waitFor();
    await drill.getByTestId('remove-import').click();
    const dialog = app.page.getByTestId('remove-import-dialog');
    await dialog.waitFor();
    expect(await text(dialog.locator('h2'))).toContain('王小明 的导入考核?');
    // Cancel first: nothing changes.
    await dialog.getByRole('button', { name: '取消' }).click();
    expect(await site(WEAK).count()).toBe(1);
    await drill.getByTestId('remove-import').click();
    await app.page.getByTestId('remove-import-dialog-confirm').click();
    await eventually(async () => {
      expect(await site(WEAK).count()).toBe(0);
    });
    expect(await site(STRONG).count()).toBe(1);
  });
});
