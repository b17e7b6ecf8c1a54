import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRankingDefinition, rankMonth, type RankingFact } from '../../src/domain/head-office';
import { rankingCsv } from '../../src/report/ranking/ranking-csv';
import { renderRankingReport } from '../../src/report/ranking/render-ranking-report';
import { readJson } from '../support/load';
import { subsetFont } from '../support/sealed-audit';

const parsed = parseRankingDefinition(readJson('rankings/monthly.json'));
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const definition = parsed.value;

const fact = (
  id: string,
  site: string,
  rubricId: string,
  earned: number,
  possible: number,
  units?: RankingFact['units'],
): RankingFact => ({
  auditId: id,
  lineageId: id,
  revision: 1,
  rubricId,
  siteKey: `name:${site}`,
  siteName: site,
  auditedAt: '2026-11-10T10:00:00+08:00',
  earnedH: earned * 100,
  possibleH: possible * 100,
  ...(units ? { units } : {}),
});

// The shipped definition (KF01 15, KF02 15, KF3 20, KPI-CC 25, KPI-YYT 25), with KF01 and KF3 audits only
// (and a KPI-CC one made up here, since its rubric comes from another branch):
// KPI-CC was reported this month (by 万科), so a site without a KPI-CC figure is 缺报 there: 0 % on its full weight
// 25, flagged, and 缺报 counts as 未达标 (a site never ranks higher by not reporting). KF3 was audited (at 保利), so
// 碧桂园 and 万科 are 未考核 on KF3 and scored on the rest; KF02 and KPI-YYT nobody has, so they count for no one.
// 碧桂园: KF01 95/95 = 10000, KPI-CC 缺报 0 → (15×10000 + 25×0) / 40 = 3750;
// 万科: KF01 76/95 = 8000, KPI-CC 9/10 = 9000 (unit 2 5/6 below) → (15×8000 + 25×9000) / 40 = 8625;
// 保利: KF3 60/100 = 6000, KPI-CC 缺报 0 → (20×6000 + 25×0) / 45 = 2666.67 → 2667, 末位 with 缺报 → 约谈.
const facts = [
  fact('a1', '碧桂园', 'KF01', 95, 95),
  fact('a2', '万科', 'KF01', 76, 95),
  fact('a3', '万科', 'KPI-CC', 9, 10, [
    { id: '1', earnedH: 400, possibleH: 400 },
    { id: '2', earnedH: 500, possibleH: 600 },
  ]),
  fact('a4', '保利', 'KF3', 60, 100),
];
const ranking = rankMonth(definition, facts, '2026-11');

describe('月度综合排名: CSV and PDF', { timeout: 30_000 }, () => {
  it('the CSV has a row per site with exact percents, weights and flags', () => {
    const lines = rankingCsv(ranking).replace('\uFEFF', '').split('\r\n');
    expect(lines).toEqual([
      '月份,名次,被考核单位,综合得分(%),KF01(%)权重15,KF02(%)权重15,KF3(%)权重20,KPI-CC(%)权重25,KPI-YYT(%)权重25,计入权重,末位,约谈,未达标指标',
      '2026-11,1,万科,86.25,80.00,,未考核,90.00,,40,,,KPI-CC 第2项 5/6',
      '2026-11,2,碧桂园,37.50,100.00,,未考核,缺报,,40,,,KPI-CC 缺报',
      '2026-11,3,保利,26.67,未考核,,60.00,缺报,,45,是,是,KPI-CC 缺报',
      '',
    ]);
  });

  it('the PDF reads back (pdftotext) with the title, rule, every site, the 约谈 list and the notes, and is deterministic', () => {
    const report = renderRankingReport(ranking, definition.bottom.rule, { subset: subsetFont });
    const again = renderRankingReport(ranking, definition.bottom.rule, { subset: subsetFont });
    expect(Buffer.from(again.bytes).equals(Buffer.from(report.bytes))).toBe(true);
    expect(report.pageCount).toBe(1);
    expect(report.missingCharacters).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'ducha-ranking-')), 'ranking.pdf');
    writeFileSync(file, report.bytes);
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
    }).replace(/\s+/g, '');
    expect(text).toContain('服务质量月度综合排名2026年11月');
    expect(text).toContain('对服务质量月度综合排名末位,且服务指标未达标的分公司、片站,约谈相关负责人');
    expect(text).toContain('1万科86.2580.00');
    expect(text).toContain('2碧桂园37.50100.00');
    expect(text).toContain('3保利26.67');
    expect(text).toContain('约谈名单保利');
    expect(text).toContain('缺报');
    expect(text).toContain('KF02:没有任何考核数据(该评分表尚未导入或不存在),未计入');
    expect(text).toContain('KPI-YYT:没有任何考核数据(该评分表尚未导入或不存在),未计入');
    expect(text).toContain('第1/1页');
  });
});
