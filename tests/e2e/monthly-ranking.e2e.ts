import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { bundleSchema, type Grades, type Rubric, type SealSigner } from '../../src/domain/head-office';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, nodeSigner } from '../support/sealed-audit';
import { launch, newProfileDir } from './support/browser';
import { AuditApp, eventually, text } from './support/pages';
import { enrolThroughPanel, fingerprintOf, sealedEntry, writeKeyFile, writeTemp } from './support/trust';

const BGY = '碧桂园管理处';
const VANKE = '万科管理处';
const POLY = '保利管理处';

let tablet: SealSigner;
let serial = 0;

async function entry(rubric: Rubric, grades: Grades, site: string, auditedAt: string) {
  serial += 1;
  const id = `7c2d1e4f-0a1b-4c2d-9e3f-${String(serial).padStart(12, '0')}`;
  const audit = {
    ...finalisedAudit(rubric, grades, { site }),
    id,
    lineageId: id,
    site: { id: `site-${site}`, name: site },
    auditedAt,
  };
  return (await sealedEntry(tablet, rubric, audit)).entry;
}

/**
 * Two months of KF01 and KF02 audits for three sites, ranked by rankings/monthly.json (KF01 15, KF02 15,
 * KF3 20, KPI-CC 25, KPI-YYT 25; only KF01 and KF02 are audited here, so each site is scored on those).
 * Percents in hundredths, half up: KF01 all-compliant 100/100 = 10000, mixed 63/95 = 6631.6 → 6632,
 * all-non-compliant 0; KF02 all-compliant 10000, mixed 47.2/65 = 7261.5 → 7262.
 * October: 碧桂园 (15×10000 + 15×10000)/30 = 10000; 万科 (15×6632 + 15×7262)/30 = 6947; 保利 KF01 only: 0.
 * November: 万科 KF01 only 10000; 保利 (15×6632 + 15×10000)/30 = 8316 (its KF02 was at 01:30 on 1 November
 * in +08:00, 31 October in UTC); 碧桂园 KF01 only 6632 → 末位, but with no KPI audits no indicator is below
 * target, so nobody is called in.
 */
async function writeBundle(): Promise<string> {
  const kf01 = loadRubric('KF01');
  const kf02 = loadRubric('KF02');
  const g = (rubric: Rubric, name: string) => loadGrades(rubric, name);
  const audits = [
    await entry(kf01, g(kf01, 'kf01-all-compliant'), BGY, '2026-10-08T02:00:00.000Z'),
    await entry(kf02, g(kf02, 'kf02-all-compliant'), BGY, '2026-10-09T02:00:00.000Z'),
    await entry(kf01, g(kf01, 'kf01-mixed'), VANKE, '2026-10-10T02:00:00.000Z'),
    await entry(kf02, g(kf02, 'kf02-mixed'), VANKE, '2026-10-11T02:00:00.000Z'),
    await entry(kf01, g(kf01, 'kf01-all-non-compliant'), POLY, '2026-10-12T02:00:00.000Z'),
    await entry(kf01, g(kf01, 'kf01-mixed'), BGY, '2026-11-05T02:00:00.000Z'),
    await entry(kf01, g(kf01, 'kf01-all-compliant'), VANKE, '2026-11-06T02:00:00.000Z'),
    await entry(kf01, g(kf01, 'kf01-mixed'), POLY, '2026-11-07T02:00:00.000Z'),
    await entry(kf02, g(kf02, 'kf02-all-compliant'), POLY, '2026-10-31T17:30:00.000Z'),
  ];
  return writeTemp(
    'ranking.ducha',
    bundleSchema.parse({ format: 'ducha.bundle', version: 1, createdAt: '2026-12-01T08:00:00.000Z', audits }),
  );
}

let context: BrowserContext;
let app: AuditApp;
beforeAll(async () => {
  tablet = await nodeSigner();
  const bundlePath = await writeBundle();
  const launched = await launch(newProfileDir());
  context = launched.context;
  app = new AuditApp(launched.page);
  await app.open('#/dashboard');
  await app.page.getByTestId('dashboard-empty').waitFor();
  await enrolThroughPanel(
    app.page,
    await writeKeyFile(tablet, '前台平板 1', '王小明'),
    fingerprintOf(tablet),
  );
  await app.page.getByTestId('import-file').setInputFiles(bundlePath);
  await eventually(async () => {
    expect(await app.page.getByTestId('import-stored').getAttribute('data-count')).toBe('9');
  });
});
afterAll(async () => {
  await context.close();
});

const rows = () => app.page.getByTestId('monthly-row');
async function table(): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await rows().all()) {
    out.push([
      await text(row.locator('td').first()),
      await text(row.locator('th')),
      await text(row.getByTestId('monthly-score')),
      (await row.getAttribute('data-bottom')) ?? '',
      (await row.getAttribute('data-summoned')) ?? '',
    ]);
  }
  return out;
}

describe('月度综合排名 on the dashboard', () => {
  it('shows the newest month first, ranked as worked out by hand, with 末位 and an empty 约谈 list', async () => {
    await eventually(async () => {
      expect(await rows().count()).toBe(3);
    });
    expect(await app.page.getByTestId('monthly-month').inputValue()).toBe('2026-11');
    expect(await table()).toEqual([
      ['1', VANKE, '100.00%', 'false', 'false'],
      ['2', POLY, '83.16%', 'false', 'false'],
      ['3', `${BGY}末位`, '66.32%', 'true', 'false'],
    ]);
    expect(await text(app.page.getByTestId('monthly-summoned'))).toBe(
      '本月无(末位单位没有未达标的服务指标,或没有末位单位)。',
    );
    // The definition names rubrics no audit here uses (KPI-CC and KPI-YYT come from another scorecard set).
    expect(await app.page.getByTestId('monthly-notes').locator('li').allTextContents()).toEqual([
      'KF3:没有任何考核数据(该评分表尚未导入或不存在),未计入。',
      'KPI-CC:没有任何考核数据(该评分表尚未导入或不存在),未计入。',
      'KPI-YYT:没有任何考核数据(该评分表尚未导入或不存在),未计入。',
    ]);
  });

  it('switches to October', async () => {
    await app.page.getByTestId('monthly-month').selectOption('2026-10');
    await eventually(async () => {
      expect(await table()).toEqual([
        ['1', BGY, '100.00%', 'false', 'false'],
        ['2', VANKE, '69.47%', 'false', 'false'],
        ['3', `${POLY}末位`, '0.00%', 'true', 'false'],
      ]);
    });
  });

  it('exports the month shown as CSV and as a PDF 月度综合排名 report', async () => {
    const [csvDownload] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByTestId('monthly-csv').click(),
    ]);
    expect(csvDownload.suggestedFilename()).toBe('服务质量月度综合排名-2026-10.csv');
    const csv = readFileSync(await csvDownload.path(), 'utf8').split('\r\n');
    expect(csv.slice(1, 4)).toEqual([
      `2026-10,1,${BGY},100.00,100.00,100.00,,,,30,,,`,
      `2026-10,2,${VANKE},69.47,66.32,72.62,,,,30,,,`,
      `2026-10,3,${POLY},0.00,0.00,,,,,15,是,,`,
    ]);

    const [pdfDownload] = await Promise.all([
      app.page.waitForEvent('download'),
      app.page.getByTestId('monthly-pdf').click(),
    ]);
    expect(pdfDownload.suggestedFilename()).toBe('服务质量月度综合排名-2026-10.pdf');
    const path = await pdfDownload.path();
    expect(readFileSync(path).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdfText = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', path, '-'], {
      encoding: 'utf8',
    }).replace(/\s+/g, '');
    expect(pdfText).toContain('服务质量月度综合排名2026年10月');
    expect(pdfText).toContain(`2${VANKE}69.4766.3272.62`);
  });
});
