import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { monthQuerySchema } from '../../domain/wire';
import { EVERYTHING } from '../../server/head-office/view';
import { monthlyRankingOf } from '../../server/ranking/monthly-ranking';
import { rankingCsv } from '../../report/ranking/ranking-csv';
import { belowTargetText, bpText, monthTitle, partText } from '../../report/ranking/ranking-text';
import { renderRankingReport } from '../../report/ranking/render-ranking-report';
import type { CliIo } from '../io';
import { DEFAULT_FALLBACK_FONT, loadSheetFonts } from '../../verify/sheet-fonts';
import { withDatabase, whereOf } from './server-database';

export const rankingUsage = `ducha ranking --month YYYY-MM [--data-dir ./data] [--database-url postgres://…] [--pdf out.pdf] [--csv out.csv] [--json]
                                                        the server's 月度综合排名 of a month, as GET
                                                        /api/head-office/monthly-ranking gives it (every site);
                                                        --pdf / --csv write the 通报 (DATABASE_URL also read)`;

/** Whole or not at all: a half-written 通报 is never left under the name asked for. */
async function writeWhole(file: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${String(process.pid)}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, file);
}

/**
 * `ducha ranking`: the month computed on the server's database by the same function the API calls
 * (monthlyRankingOf), so the console, the dashboard and the 通报 never disagree. The operator at the console reads
 * every site.
 */
export async function rankingCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      month: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      pdf: { type: 'string' },
      csv: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const month = monthQuerySchema.safeParse({ month: values.month });
  if (!month.success) {
    for (const issue of month.error.issues) io.err(`ranking: --month: ${issue.message}`);
    return 1;
  }
  return withDatabase(
    whereOf(values, env),
    io,
    async (db) => {
      const computed = await monthlyRankingOf(db, month.data.month, EVERYTHING);
      if (!computed) {
        io.err('ranking: 服务器上没有发布综合排名定义');
        return 1;
      }
      const { ranking } = computed.answer;
      if (values.json) io.out(JSON.stringify(computed.answer, null, 2));
      else {
        io.out(`${ranking.title} ${monthTitle(ranking.month)}（权重：${ranking.components.map((c) => `${c.rubricId} ${String(c.weight)}`).join('、')}）`);
        io.out(['名次', '单位', '综合得分', ...ranking.components.map((c) => c.rubricId), '末位', '约谈', '未达标指标'].join('\t'));
        for (const row of ranking.rows)
          io.out(
            [
              String(row.rank),
              row.siteName,
              bpText(row.scoreBp),
              ...ranking.components.map((c) => partText(row, c.rubricId) || '-'),
              row.isBottom ? '末位' : '',
              row.isSummoned ? '约谈' : '',
              belowTargetText(row) || '-',
            ].join('\t'),
          );
        if (ranking.rows.length === 0) io.out('本月没有排名所含评分表的考核或 KPI 数值。');
        if (ranking.unranked.length > 0) io.out(`未排名：${ranking.unranked.map((s) => s.siteName).join('、')}`);
        io.out(`约谈：${ranking.summoned.length === 0 ? '无' : ranking.rows.filter((r) => r.isSummoned).map((r) => r.siteName).join('、')}`);
      }
      if (values.csv !== undefined) {
        await writeWhole(values.csv, rankingCsv(ranking));
        io.err(`通报 CSV → ${values.csv}`);
      }
      if (values.pdf !== undefined) {
        const report = renderRankingReport(ranking, computed.definition.bottom.rule, await loadSheetFonts(DEFAULT_FALLBACK_FONT));
        await writeWhole(values.pdf, report.bytes);
        io.err(`通报 PDF → ${values.pdf}`);
      }
      return 0;
    },
    'ranking',
  );
}
