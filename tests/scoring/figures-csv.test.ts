import { describe, expect, it } from 'vitest';
import { readFiguresCsv } from '../../src/domain/head-office';
import { loadRubric } from '../support/load';

const rubrics = new Map(['KPI-CC', 'KPI-YYT'].map((id) => [id, loadRubric(id)]));

describe('a figures CSV is read all or nothing', () => {
  it('groups the figures per month, site and rubric (quotes, CRLF, a BOM and 1,750 allowed)', () => {
    const csv =
      '\uFEFFmonth,site,rubric,unit,figure\r\n' +
      '2026-11,呼叫中心,KPI-CC,1,96.5\r\n' +
      '2026-11,呼叫中心,KPI-CC,2,"1,750"\r\n' +
      '2026-11,"芙蓉营业厅, 东区",KPI-YYT,1,93\r\n' +
      '2026-10,呼叫中心,KPI-CC,1,89.99\r\n';
    expect(readFiguresCsv(csv, rubrics)).toEqual({
      ok: true,
      value: [
        { month: '2026-11', site: '呼叫中心', rubricId: 'KPI-CC', figures: { '1': 96.5, '2': 1750 } },
        { month: '2026-11', site: '芙蓉营业厅, 东区', rubricId: 'KPI-YYT', figures: { '1': 93 } },
        { month: '2026-10', site: '呼叫中心', rubricId: 'KPI-CC', figures: { '1': 89.99 } },
      ],
    });
  });

  it('refuses every bad row with its line and reason, and returns nothing to import', () => {
    const csv = [
      '月份,被考核单位,考核表,序号,数值',
      '2026-11,呼叫中心,KPI-CC,1,96.5', // 2: fine
      '2026-13,呼叫中心,KPI-CC,2,1750', // 3
      '2026-11,,KPI-CC,2,1750', // 4
      '2026-11,呼叫中心,KF01,1,90', // 5
      '2026-11,呼叫中心,KPI-CC,9,90', // 6
      '2026-11,呼叫中心,KPI-CC,3,85%', // 7
      '2026-11,呼叫中心,KPI-CC,3,100.01', // 8
      '2026-11,呼叫中心,KPI-CC,4,1.5', // 9
      '2026-11,呼叫中心,KPI-CC,1,97', // 10: twice
      '2026-11,呼叫中心,KPI-CC,3', // 11
      '2026-11,呼叫中心,KPI-CC,3,85.123', // 12
      '',
    ].join('\n');
    const result = readFiguresCsv(csv, rubrics);
    expect(result).toEqual({
      ok: false,
      issues: [
        { line: 3, reason: '月份“2026-13”应写成 YYYY-MM,如 2026-11' },
        { line: 4, reason: '被考核单位为空' },
        { line: 5, reason: '没有考核表“KF01”(可用:KPI-CC、KPI-YYT)' },
        { line: 6, reason: '考核表 KPI-CC 没有指标“9”' },
        { line: 7, reason: '数值不是数字(不要带单位或符号):“85%”' },
        { line: 8, reason: '比率 100.01% 超过 100%' },
        { line: 9, reason: '例数 1.5 不是整数' },
        { line: 10, reason: '与第 2 行重复(同一月份、单位、考核表和指标)' },
        { line: 11, reason: '应有 5 列(month,site,rubric,unit,figure),这一行有 4 列' },
        { line: 12, reason: '数值最多两位小数:“85.123”' },
      ],
    });
  });

  it('counts lines as the file has them, a quoted line break included', () => {
    const csv = 'month,site,rubric,unit,figure\n2026-11,"呼叫\n中心",KPI-CC,1,96\n2026-11,呼叫中心,KPI-CC,1,abc\n';
    expect(readFiguresCsv(csv, rubrics)).toEqual({
      ok: false,
      issues: [{ line: 4, reason: '数值不是数字(不要带单位或符号):“abc”' }],
    });
  });

  it('refuses a file without the header, an unclosed quote, and a header with no rows', () => {
    expect(readFiguresCsv('2026-11,呼叫中心,KPI-CC,1,96\n', rubrics)).toEqual({
      ok: false,
      issues: [
        { line: 1, reason: '第一行应是表头 month,site,rubric,unit,figure(或 月份,被考核单位,考核表,序号,数值)' },
      ],
    });
    expect(readFiguresCsv('month,site,rubric,unit,figure\n2026-11,"呼叫中心,KPI-CC,1,96\n', rubrics)).toEqual({
      ok: false,
      issues: [{ line: 2, reason: '引号没有闭合' }],
    });
    expect(readFiguresCsv('month,site,rubric,unit,figure\n', rubrics)).toEqual({
      ok: false,
      issues: [{ line: 1, reason: '文件只有表头,没有数值' }],
    });
  });
});
