import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { findNode, type SealSigner } from '../../src/domain/index';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, nodeSigner } from '../support/sealed-audit';
import { seriousViolations } from './support/a11y';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, fixtureGrades, photoFixture, text } from './support/pages';
import { startRealServer, type RealServer } from './support/real-server';
import { signInBrowser } from './support/server-session';
import { bundleOf, sealedEntry, writeTemp } from './support/trust';
import { uploadAsTablet } from '../server/support/head-office-audits';

/** The tablets the issue was found on: an iPad Air in portrait and a 10" tablet in landscape. */
const PORTRAIT = { width: 820, height: 1180 };
const LANDSCAPE = { width: 1024, height: 768 };

/** Elements inside <main> wider than the viewport, or sticking out past its right edge (horizontal scrolling). */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width)
      out.push(`page ${document.documentElement.scrollWidth} > ${width}`);
    for (const el of document.querySelectorAll('main *')) {
      const box = el.getBoundingClientRect();
      // Inside a sideways-scrolling table wrapper, overflow is the intended behaviour.
      if (box.width === 0 || el.closest('.table-scroll')) continue;
      if (box.right > width + 1)
        out.push(`${el.tagName.toLowerCase()}.${el.className} right ${Math.round(box.right)} > ${width}`);
    }
    return out;
  });
}

/** Text of the matched elements that the browser broke over more than one line. */
async function wrapped(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) =>
    els
      .filter((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return tops.size > 1;
      })
      .map((el) => el.textContent),
  );
}

let context: BrowserContext;
let app: AuditApp;
beforeAll(async () => {
  const launched = await launch(newProfileDir(), PORTRAIT);
  context = launched.context;
  app = new AuditApp(launched.page);
});
afterAll(async () => {
  await context.close();
});

const photos = (unit: string) => app.page.locator(`[data-unit-id="${unit}"] [data-testid="photo-thumb"]`);

/** The KF3 draft the photo tests work on; later checks look at its form again. */
let kf3Draft: string;

describe('photos on a draft', () => {
  let auditId: string;
  beforeAll(async () => {
    auditId = kf3Draft = await app.newAudit({ rubric: 'KF3', site: '龙湖·天街', auditor: '陈堃' });
    await app.page.getByTestId('gallery-2.4').setInputFiles(photoFixture);
    await photos('2.4').waitFor();
    await app.waitSaved();
  });

  it('asks before deleting a photo: 保留照片 keeps it (also after a reload), 删除照片 removes it', async () => {
    const unit = app.page.locator('[data-unit-id="2.4"]');
    await unit.getByTestId('photo-remove').click();
    const dialog = app.page.getByTestId('remove-photo-dialog');
    await dialog.waitFor();
    expect(await text(dialog.locator('h2'))).toBe('删除第 2.4 项的照片 1?');
    expect(await text(dialog)).toContain('照片删除后不能恢复。');
    await dialog.getByRole('button', { name: '保留照片' }).click();
    await dialog.waitFor({ state: 'detached' });
    await app.page.reload();
    await photos('2.4').waitFor();
    expect(await photos('2.4').count()).toBe(1);

    await unit.getByTestId('photo-remove').click();
    await app.page.getByTestId('remove-photo-dialog-confirm').click();
    await eventually(async () => {
      expect(await photos('2.4').count()).toBe(0);
    });
    await app.waitSaved();
    await app.page.reload();
    await app.page.getByTestId('gallery-2.4').waitFor({ state: 'attached' });
    expect(await photos('2.4').count()).toBe(0);

    // Put one back for the viewer below.
    await app.page.getByTestId('gallery-2.4').setInputFiles(photoFixture);
    await photos('2.4').waitFor();
    await app.waitSaved();
    expect(app.page.url()).toContain(auditId);
  });

  it('opens a thumbnail full size in a dialog that Esc and 关闭 both close, focus back on the thumbnail', async () => {
    const open = app.page.locator('[data-unit-id="2.4"] [data-testid="photo-open"]');
    expect(await open.getAttribute('aria-label')).toBe('查看大图:第 2.4 项的照片 1');
    await open.click();
    const viewer = app.page.getByTestId('photo-viewer');
    await viewer.waitFor();
    expect(await text(viewer.locator('h2'))).toBe('第 2.4 项的照片 1');
    const image = viewer.getByTestId('photo-viewer-image');
    const shown = await image.evaluate((img: HTMLImageElement) =>
      img.decode().then(() => ({ natural: img.naturalWidth, shown: img.getBoundingClientRect().width })),
    );
    // The stored 512 × 512 photo at its own size, not the 120 px thumbnail stretched.
    expect(shown).toEqual({ natural: 512, shown: 512 });
    expect(await viewer.evaluate((d: HTMLDialogElement) => d.open && d.matches(':modal'))).toBe(true);
    expect(await seriousViolations(app.page)).toEqual([]);

    await app.page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    expect(await app.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'photo-open',
    );

    await open.click();
    await viewer.getByTestId('photo-viewer-close').click();
    await viewer.waitFor({ state: 'detached' });
    expect(await photos('2.4').count()).toBe(1);
  });

  it('fits the photo inside a landscape tablet screen, and the form overflows neither tablet', async () => {
    expect(await overflowing(app.page)).toEqual([]);
    await app.page.setViewportSize(LANDSCAPE);
    expect(await overflowing(app.page)).toEqual([]);
    await app.page.locator('[data-unit-id="2.4"] [data-testid="photo-open"]').click();
    const image = app.page.getByTestId('photo-viewer-image');
    await image.waitFor();
    const box = await image.boundingBox();
    expect(box && box.y + box.height <= LANDSCAPE.height && box.x + box.width <= LANDSCAPE.width).toBe(true);
    await app.page.keyboard.press('Escape');
    await app.page.setViewportSize(PORTRAIT);
  });
});

/** One stroke across the pad, as a finger would draw it. */
async function draw(page: Page, role: string): Promise<void> {
  const pad = page.getByTestId(`signature-pad-${role}`);
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (!box) throw new Error('signature pad not visible');
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++)
    await page.mouse.move(box.x + box.width * (0.2 + i * 0.07), box.y + box.height * 0.4);
  await page.mouse.up();
}

/** What makes a button look like one: the computed styles the secondary .button class sets. */
const buttonLook = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const css = getComputedStyle(el);
      return {
        background: css.backgroundColor,
        border: `${css.borderTopWidth} ${css.borderTopStyle} ${css.borderTopColor}`,
        radius: css.borderRadius,
        fontSize: css.fontSize,
        minHeight: css.minHeight,
      };
    });

describe('signing, and the finalised audit', () => {
  let auditId: string;
  beforeAll(async () => {
    auditId = await app.newAudit({ rubric: 'KF01', site: '万科·城市花园', auditor: '孙燊' });
    await app.gradeAll(fixtureGrades('kf01-mixed'));
    await app.page.getByTestId('note-4').fill('未报工号,语气生硬');
    await app.waitSaved();
    await app.page.getByTestId('to-review').click();
    await app.page.getByTestId('signer-name-auditor').waitFor();
  });

  it('pre-fills the auditor’s name from the audit; the site manager’s stays empty', async () => {
    expect(await app.page.getByTestId('signer-name-auditor').inputValue()).toBe('孙燊');
    expect(await app.page.getByTestId('signer-name-siteManager').inputValue()).toBe('');
  });

  it('says 请填写姓名 under the name and clears it with the first character typed; the pad’s message with the first stroke', async () => {
    await app.page.getByTestId('confirm-signature-siteManager').click();
    const missing = app.page.getByTestId('name-missing-siteManager');
    const padEmpty = app.page.getByTestId('pad-empty-siteManager');
    expect(await text(missing)).toBe('请填写姓名');
    expect(await text(padEmpty)).toBe('签名区为空,请先签名');
    const name = app.page.getByTestId('signer-name-siteManager');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await name.getAttribute('aria-describedby')).toBe(await missing.getAttribute('id'));

    await name.pressSequentially('钱');
    expect(await missing.count()).toBe(0);
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await padEmpty.count()).toBe(1);
    await draw(app.page, 'siteManager');
    expect(await padEmpty.count()).toBe(0);
  });

  it('styles 清除 like the other secondary buttons', async () => {
    const clear = '[data-testid="signature-pad-auditor-clear"]';
    expect(await text(app.page.locator(clear))).toBe('清除');
    // 返回评分 is a secondary .button on the same screen.
    expect(await buttonLook(app.page, clear)).toEqual(await buttonLook(app.page, 'main a.button'));
    expect(await buttonLook(app.page, clear)).toMatchObject({
      background: 'rgb(255, 255, 255)',
      minHeight: '48px',
    });
  });

  it('the finalised audit offers no signing and shows only the notes that have text, as text', async () => {
    await app.sign('auditor', '孙燊');
    await app.sign('siteManager', '钱堃');
    await app.finalise();
    const main = app.page.locator('main');
    expect(await text(main)).not.toContain('复核并签名');
    expect(await app.page.getByTestId('to-review').count()).toBe(0);
    expect(await text(app.page.getByTestId('view-review'))).toBe('查看汇总与签名');
    const note = app.page.getByTestId('note-4');
    expect(await note.evaluate((el) => el.tagName)).toBe('P');
    expect(await text(note)).toBe('未报工号,语气生硬');
    expect(await main.locator('textarea').count()).toBe(0);
    // Unit 1 has no note: no 备注 heading, no box.
    expect(await text(app.page.locator('[data-unit-id="1"]'))).not.toContain('备注');
    expect(await overflowing(app.page)).toEqual([]);

    await app.page.getByTestId('view-review').click();
    await app.page.waitForURL(/\/review$/);
    expect(await text(app.page.locator('main h1'))).toBe('汇总与签名 · 万科·城市花园');
    expect(await text(main)).not.toContain('复核并');
    expect(await main.locator('input, textarea, canvas').count()).toBe(0);
    expect(await text(app.page.getByTestId('signature-auditor'))).toContain('孙燊');
    expect(await overflowing(app.page)).toEqual([]);
    expect(await seriousViolations(app.page)).toEqual([]);
  });

  it('创建修订版 with no reason (or only spaces) says 请填写更正原因 beside the field and creates nothing', async () => {
    await app.open(`#/audits/${auditId}`);
    await app.page.getByTestId('amend').click();
    const reason = app.page.getByTestId('amend-reason');
    for (const typed of ['', '   ']) {
      await reason.fill(typed);
      await app.page.getByTestId('amend-confirm').click();
      const error = app.page.getByTestId('amend-error');
      await error.waitFor();
      expect(await text(error)).toBe('请填写更正原因');
      expect(await reason.getAttribute('aria-invalid')).toBe('true');
      expect(await reason.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'));
      // Beside the field: directly below it, within the same form row.
      const [field, message] = [await reason.boundingBox(), await error.boundingBox()];
      expect(
        field && message && message.y >= field.y + field.height && message.y - (field.y + field.height) < 60,
      ).toBe(true);
      expect(app.page.url()).toMatch(new RegExp(`#/audits/${auditId}$`));
    }
    expect(await overflowing(app.page)).toEqual([]);
    await reason.fill('第 4 项复核后为一般符合');
    await app.page.getByTestId('amend-reason').press('Enter');
    await app.page.waitForURL((url) => !url.hash.endsWith(auditId));
    await eventually(async () => {
      expect(await text(app.page.getByTestId('audit-status'))).toBe('草稿');
    });
  });
});

describe('disclosure markers', () => {
  it('every <summary> shows a marker, turned down while open', async () => {
    await app.open(`#/audits/${kf3Draft}`);
    const summary = app.page.locator('.item__method summary').first();
    await summary.waitFor();
    const marker = () =>
      summary.evaluate((el) => {
        const css = getComputedStyle(el, '::before');
        return { content: css.content, width: parseFloat(css.width), turned: css.transform !== 'none' };
      });
    expect(await marker()).toMatchObject({ content: '"▸"', turned: false });
    expect((await marker()).width).toBeGreaterThan(10);
    await summary.click();
    expect(await summary.evaluate((el) => el.parentElement?.hasAttribute('open'))).toBe(true);
    await eventually(async () => {
      expect((await marker()).turned).toBe(true);
    });
    // Not one marker from the CSS and another from the browser.
    expect(await summary.evaluate((el) => getComputedStyle(el).listStyleType)).toBe('none');
  });
});

const kf3 = loadRubric('KF3');
/** Four sites, best first by KF3 percent (fixtures worked out in tests/scoring/score-fixtures.test.ts). */
const SITES = [
  { name: '碧桂园·凤凰城第一期管理处', code: 'BGY-001', grades: 'kf3-all-compliant' },
  { name: '华润·万象天地物业服务中心', code: 'CR-9', grades: 'kf3-cap-hit' },
  { name: '万科·城市花园', code: 'VK-17', grades: 'kf3-mixed-cap-not-hit' },
  { name: '保利·堃悦府', code: undefined, grades: 'kf3-all-non-compliant' },
] as const;
const escapeRegExp = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const siteKeyOf = (site: (typeof SITES)[number]) => (site.code ? `code:${site.code}` : `name:${site.name}`);

async function writeSitesBundle(tablet: SealSigner): Promise<string> {
  const entries = [];
  for (const [i, site] of SITES.entries()) {
    const id = `5c0ffee0-0000-4000-8000-00000000000${String(i + 1)}`;
    const audit = {
      ...finalisedAudit(kf3, loadGrades(kf3, site.grades), { site: site.name }),
      id,
      lineageId: id,
      site: {
        id: `site-${String(i)}`,
        name: site.name,
        region: '华南',
        ...(site.code ? { code: site.code } : {}),
      },
      auditedAt: `2026-11-1${String(i)}T02:00:00.000Z`,
    };
    entries.push((await sealedEntry(tablet, kf3, audit)).entry);
  }
  return writeTemp('sites.ducha', bundleOf(entries));
}

describe('head office on a tablet', () => {
  let tablet: SealSigner;
  let server: RealServer;
  const statusesOf = async () =>
    app.page.getByTestId('upload-entry').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
  beforeAll(async () => {
    tablet = await nodeSigner();
    server = await startRealServer();
    // The tablet's key is enrolled on the server (its auditor signed in); head office uploads its bundle.
    const auditor = await server.createUser('auditor', { displayName: '王小明' });
    await uploadAsTablet(await server.signIn(auditor), tablet, []);
    await app.page.setViewportSize(PORTRAIT);
    await app.page.goto(`${server.url}#/dashboard`);
    await app.page.getByTestId('dashboard-empty').waitFor();
    await signInBrowser(app.page, server.admin);
    await app.page.reload();
    await app.page.getByTestId('import-file').setInputFiles(await writeSitesBundle(tablet));
    await eventually(async () => {
      expect(await statusesOf()).toEqual(['stored', 'stored', 'stored', 'stored']);
    });
    // The dashboard reads the server's figures when it opens.
    await app.page.reload();
    await app.page.getByTestId('filter-rubric').selectOption('KF3');
    await app.page.getByTestId('bottom-n').selectOption('3');
    await eventually(async () => {
      expect(await app.page.locator('[data-testid="ranking"] .rank-row__flag').count()).toBe(3);
    });
  }, 120_000);
  afterAll(async () => {
    await server.dispose();
  });

  it('末位 never breaks into 末 / 位, and the ranking needs no sideways scrolling on either tablet', async () => {
    for (const viewport of [PORTRAIT, LANDSCAPE]) {
      await app.page.setViewportSize(viewport);
      const flags = app.page.locator('[data-testid="ranking"] .rank-row__flag');
      expect(await flags.count()).toBe(3);
      const lines = await flags.evaluateAll((els) =>
        els.map((el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          return { text: el.textContent, lines: range.getClientRects().length };
        }),
      );
      expect(lines).toEqual(Array(3).fill({ text: '末位', lines: 1 }));
      const scroll = await app.page
        .locator('.table-scroll:has([data-testid="ranking"])')
        .evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(scroll, `${String(viewport.width)} px`).toBe(0);
      // Nor does any heading or value of the ranking break into a column of characters (华 / 南, 排 / 名).
      expect(
        await wrapped(app.page, '[data-testid="ranking"] thead th, [data-testid="ranking"] tbody td'),
      ).toEqual([]);
      expect(await overflowing(app.page)).toEqual([]);
    }
    await app.page.setViewportSize(PORTRAIT);
  });

  it('drill-down names each unit with its 标准 from the rubric the audit was scored against, beside the grade', async () => {
    const weak = SITES[3];
    await app.page
      .locator(`[data-testid="heat-cell"][data-site-key="${siteKeyOf(weak)}"][data-item-id="2"]`)
      .click();
    const drill = app.page.getByTestId('drill-down');
    await drill.waitFor();
    const row = drill.locator('tr[data-unit-id="2.1"]');
    await eventually(async () => {
      expect(await row.count()).toBe(1);
    });
    expect(await text(row.locator('.drill-unit__label'))).toBe('第 2.1 项');
    const standard = findNode(kf3, '2.1')?.standard ?? '';
    expect(standard.length).toBeGreaterThan(10);
    await eventually(async () => {
      expect(await text(row.getByTestId('drill-standard'))).toBe(standard);
    });
    // Every unit of item 二 has its standard shown, and the grade sits in the next cell of the same row.
    const units = findNode(kf3, '2')?.children ?? [];
    expect(await drill.getByTestId('drill-standard').count()).toBe(units.length);
    expect(await text(row.locator('td').first())).toBe('不符合');
    expect(await text(drill.locator('thead th').first())).toBe('评分单元与标准');
    // 不符合 and the headings stay whole in portrait; the long 标准 is what wraps.
    expect(await wrapped(app.page, '.drill-down thead th, .drill-grade')).toEqual([]);
    for (const viewport of [PORTRAIT, LANDSCAPE]) {
      await app.page.setViewportSize(viewport);
      expect(await overflowing(app.page)).toEqual([]);
    }
    await app.page.setViewportSize(PORTRAIT);
    await drill.getByTestId('drill-close').click();
  });

  it('narrows the site list as a code or name is typed, keeping the chosen site in it', async () => {
    const search = app.page.getByTestId('filter-site-search');
    const select = app.page.getByTestId('filter-site');
    const count = app.page.getByTestId('filter-site-count');
    const options = () => select.locator('option').allTextContents();
    expect(await options()).toEqual([
      '全部',
      '保利·堃悦府',
      '碧桂园·凤凰城第一期管理处(BGY-001)',
      '华润·万象天地物业服务中心(CR-9)',
      '万科·城市花园(VK-17)',
    ]);

    await search.pressSequentially('凤凰');
    expect(await options()).toEqual(['全部', '碧桂园·凤凰城第一期管理处(BGY-001)']);
    expect(await text(count)).toBe('4 个单位中有 1 个符合');
    // A code, as typed on a Chinese keyboard (full-width) and without its dash.
    await search.fill('ｖｋ１７');
    expect(await options()).toEqual(['全部', '万科·城市花园(VK-17)']);
    await search.fill('物业');
    expect(await options()).toEqual(['全部', '华润·万象天地物业服务中心(CR-9)']);
    await select.selectOption({ label: '华润·万象天地物业服务中心(CR-9)' });
    await eventually(async () => {
      expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 1 份考核');
    });

    // Searching on does not drop the filter in force: the chosen site stays listed and selected.
    await search.fill('保利');
    expect(await options()).toEqual(['全部', '华润·万象天地物业服务中心(CR-9)', '保利·堃悦府']);
    expect(await select.inputValue()).toBe('code:CR-9');
    await search.fill('华侨城');
    expect(await text(count)).toBe('4 个单位中有 0 个符合');
    await search.fill('');
    expect(await text(count)).toBe('');
    expect(await options()).toHaveLength(5);
    await select.selectOption('');
    await eventually(async () => {
      expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 4 份考核');
    });
    for (const viewport of [PORTRAIT, LANDSCAPE]) {
      await app.page.setViewportSize(viewport);
      expect(await overflowing(app.page)).toEqual([]);
    }
    await app.page.setViewportSize(PORTRAIT);
    expect(await seriousViolations(app.page)).toEqual([]);
  });

  it('says what the server found wrong with each uploaded file and where, and takes in nothing from them', async () => {
    const id = '5c0ffee0-0000-4000-8000-000000000009';
    const { entry } = await sealedEntry(tablet, kf3, {
      ...finalisedAudit(kf3, loadGrades(kf3, 'kf3-all-compliant')),
      id,
      lineageId: id,
    });
    const { site: _site, ...withoutSite } = entry.envelope.payload.audit;
    const noSite = {
      ...entry,
      envelope: { ...entry.envelope, payload: { ...entry.envelope.payload, audit: withoutSite } },
    };
    const noManifest = join(mkdtempSync(join(tmpdir(), 'ducha-e2e-file-')), 'no-manifest.ducha');
    writeFileSync(noManifest, zipSync({ [`audits/${id}.json`]: strToU8('{}') }));
    await app.page
      .getByTestId('import-file')
      .setInputFiles([
        writeTemp('no-site.ducha', { ...bundleOf([]), audits: [noSite] }),
        writeTemp('cut.ducha', '{"format": "ducha.bundle", "version": 1, "audits": ['),
        noManifest,
        writeTemp('bad-date.ducha', { format: 'ducha.bundle', version: 1, createdAt: '昨天', audits: [] }),
      ]);
    const results = app.page.getByTestId('import-result');
    await eventually(async () => {
      expect(await results.count()).toBe(4);
      expect(await app.page.getByTestId('import-working').count()).toBe(0);
    });
    expect(await results.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')))).toEqual([
      'receipt',
      'failed',
      'failed',
      'failed',
    ]);

    // A readable bundle: the one audit in it is refused, naming the field that is missing.
    const refused = results.nth(0).getByTestId('upload-entry');
    expect(await refused.getAttribute('data-status')).toBe('refused');
    expect(await text(refused)).toContain(`第 1 份（考核编号 ${id}）：拒收`);
    expect(await text(refused)).toContain('envelope.payload.audit.site');
    expect(await text(results.nth(0).getByTestId('upload-refused'))).toBe('拒收 1 份');

    // Unreadable files: the server takes in none of them and says which part it could not read.
    const fileError = async (n: number) => text(results.nth(n).getByTestId('import-error'));
    const headline = '上传失败，服务器未接收此文件：422 不是可读的 .ducha 文件 (not a readable bundle): ';
    expect(await fileError(1)).toMatch(new RegExp(`^${escapeRegExp(headline)}.*not JSON`));
    expect(await fileError(2)).toMatch(new RegExp(`^${escapeRegExp(headline)}.*manifest\\.json`));
    expect(await fileError(3)).toMatch(new RegExp(`^${escapeRegExp(headline)}.*createdAt`));
    await app.page.reload();
    await eventually(async () => {
      expect(await text(app.page.getByTestId('in-view'))).toBe('当前范围内共 4 份考核');
    });
    await app.page.getByTestId('import-file').setInputFiles(noManifest);
    await eventually(async () => {
      expect(await results.count()).toBe(1);
    });
    for (const viewport of [PORTRAIT, LANDSCAPE]) {
      await app.page.setViewportSize(viewport);
      expect(await overflowing(app.page)).toEqual([]);
    }
    await app.page.setViewportSize(PORTRAIT);
    expect(await seriousViolations(app.page)).toEqual([]);
  });
});
