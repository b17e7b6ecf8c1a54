import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli';
import { repoRoot } from '../support/load';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ducha-kpi-'));
  dirs.push(dir);
  return dir;
};
async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
const rubrics = join(repoRoot, 'rubrics');

describe('ducha kpi import', () => {
  it('scores each month of each site and writes them whole to --out', async () => {
    const dir = tempDir();
    const csv = join(dir, 'figures.csv');
    writeFileSync(
      csv,
      [
        'month,site,rubric,unit,figure',
        '2026-11,呼叫中心,KPI-CC,1,96',
        '2026-11,呼叫中心,KPI-CC,2,1750',
        '2026-11,呼叫中心,KPI-CC,3,85',
        '2026-11,呼叫中心,KPI-CC,4,1',
        '2026-11,芙蓉营业厅,KPI-YYT,1,89.99',
        '2026-11,芙蓉营业厅,KPI-YYT,2,0',
      ].join('\n'),
    );
    const out = join(dir, 'months.json');
    const result = await run(['kpi', 'import', csv, '--rubrics', rubrics, '--out', out]);
    // KPI-CC worked by hand in tests/rubrics/kpi-rubrics.test.ts: 39.18 + 6 + 37.78 + 5 = 87.96.
    // KPI-YYT: 89.99 % is below the floor of 90 % → 0; no complaints → 20.
    expect(result).toEqual({
      code: 0,
      out: [
        '2026-11 呼叫中心 KPI-CC: 87.96 / 100',
        '2026-11 芙蓉营业厅 KPI-YYT: 20 / 100',
        `已导入 2 个月度记录 → ${out}`,
      ],
      err: [],
    });
    const written: unknown = JSON.parse(readFileSync(out, 'utf8'));
    expect(written).toMatchObject({
      format: 'ducha.kpi-months',
      version: 1,
      months: [
        {
          month: '2026-11',
          site: '呼叫中心',
          rubricId: 'KPI-CC',
          figures: { '1': 96, '2': 1750, '3': 85, '4': 1 },
          score: {
            earnedH: 8796,
            possibleH: 10000,
            items: [
              { id: '1', earnedH: 3918, possibleH: 4000 },
              { id: '2', earnedH: 600, possibleH: 1000 },
              { id: '3', earnedH: 3778, possibleH: 4000 },
              { id: '4', earnedH: 500, possibleH: 1000 },
            ],
          },
        },
        { site: '芙蓉营业厅', score: { earnedH: 2000, possibleH: 10000 } },
      ],
    });
  });

  it('names every bad line and writes nothing, leaving an earlier --out as it was', async () => {
    const dir = tempDir();
    const csv = join(dir, 'figures.csv');
    writeFileSync(
      csv,
      'month,site,rubric,unit,figure\n2026-11,呼叫中心,KPI-CC,1,96\n2026-11,呼叫中心,KPI-CC,1,97\n2026-11,呼叫中心,KPI-CC,3,85%\n',
    );
    const out = join(dir, 'months.json');
    writeFileSync(out, 'before');
    const result = await run(['kpi', 'import', csv, '--rubrics', rubrics, '--out', out]);
    expect(result).toEqual({
      code: 1,
      out: [],
      err: [
        `${csv}:第 3 行:与第 2 行重复(同一月份、单位、考核表和指标)`,
        `${csv}:第 4 行:数值不是数字(不要带单位或符号):“85%”`,
        '2 行有误,未导入任何数值',
      ],
    });
    expect(readFileSync(out, 'utf8')).toBe('before');
    expect(existsSync(`${out}.${String(process.pid)}.tmp`)).toBe(false);
  });

  it('says how it is called', async () => {
    expect(await run(['kpi', 'import'])).toEqual({
      code: 1,
      out: [],
      err: ['kpi: ducha kpi import <figures.csv> [--rubrics DIR] [--out months.json]'],
    });
  });
});
