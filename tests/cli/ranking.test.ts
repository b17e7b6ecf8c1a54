import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli';
import { monthlyRankingAnswerSchema } from '../../src/domain/wire';
import type { ServerConfig } from '../../src/server/config';
import { openDatabase } from '../../src/server/db/open-database';
import { startServer } from '../../src/server/start-server';
import { EXPECTED_ROWS, FIGURE_ROWS, HEADER, MONTH, SITES, figuresCsvText } from '../fixtures/kpi-ranking/fairness-month';
import { encodeGbk, makeXlsx } from '../fixtures/kpi-ranking/figure-files';
import { BACKENDS, useBackend } from '../server/support/backends';
import { fairnessAuditFacts } from '../server/support/fairness-audits';
import { insertFacts } from '../server/support/head-office-facts';
import { addUser, signIn } from '../server/support/sessions';
import { call } from '../server/support/uploads';

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const whereArgs = (config: ServerConfig): string[] => ['--data-dir', config.dataDir, ...(config.databaseUrl ? ['--database-url', config.databaseUrl] : [])];

describe.each(BACKENDS)('ducha server kpi import and ducha ranking, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let config: ServerConfig;
  let admin: string;
  let auditor: string;
  const dir = mkdtempSync(join(tmpdir(), 'ducha-cli-ranking-'));
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  beforeAll(async () => {
    config = await backend.freshConfig();
    // The sites and the month's KF01 audits put on the server as head office would; then the server stops,
    // as the embedded database takes one process at a time.
    const server = await startServer(config, { logger: false });
    try {
      const user = await addUser(server.services.db, 'admin', { username: 'hq' });
      admin = user.username;
      auditor = (await addUser(server.services.db, 'auditor', { username: 'wang' })).username;
      const session = await signIn(server.url, user.username, user.password);
      for (const site of SITES) expect((await call(session, 'PUT', `/api/sites/${site.code}`, { name: site.name })).status).toBe(200);
      await insertFacts(server.services.db, fairnessAuditFacts());
    } finally {
      await server.close();
    }
  }, 120_000);
  afterAll(() => {
    execFileSync('rm', ['-rf', dir]);
  });

  it('refuses a file with a bad line whole, naming the line, and an upload not attributed to an admin', async () => {
    const bad = file('bad.csv', new TextEncoder().encode(figuresCsvText([[MONTH, 'A01', 'KPI-CC', '1', '99'], [MONTH, '北湖管理处', 'KPI-CC', '1', '99']])));
    const refused = await run(['server', 'kpi', 'import', bad, '--as', admin, ...whereArgs(config)]);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toContain('第 3 行：没有这个被考核单位“北湖管理处”');
    const notAdmin = await run(['server', 'kpi', 'import', bad, '--as', auditor, ...whereArgs(config)]);
    expect([notAdmin.code, notAdmin.err.join('\n')]).toEqual([1, `server kpi import: --as ${auditor}: 没有这个在用的总部管理员账号`]);
    const empty = await run(['ranking', '--month', MONTH, '--json', ...whereArgs(config)]);
    // Nothing of the refused file was stored: no KPI-CC figures, so every site is on KF01 alone.
    const { ranking } = monthlyRankingAnswerSchema.parse(JSON.parse(empty.out.join('\n')));
    expect(ranking.rows.map((r) => [r.siteName, r.scoreBp])).toEqual([
      ['南湖管理处', 10000],
      ['东湖管理处', 9000],
      ['西湖管理处', 3000],
    ]);
  }, 120_000);

  it('stores a GBK CSV and an .xlsx under the admin, and ranks the hand-computed month as the API does', async () => {
    const gbk = file('指标-2026-11.csv', encodeGbk(figuresCsvText(FIGURE_ROWS.slice(0, 8))));
    const first = await run(['server', 'kpi', 'import', gbk, '--as', admin, ...whereArgs(config)]);
    expect(first.code).toBe(0);
    expect(first.out.join('\n')).toMatch(/^上传 \d+：指标-2026-11\.csv（gb18030，SHA-256 [0-9a-f]{64}）8 个数值，新版本 8 个，未变 0 个$/);
    const xlsx = file('南湖.xlsx', makeXlsx([[...HEADER], ...FIGURE_ROWS.slice(8).map((r) => [...r])]));
    const second = await run(['server', 'kpi', 'import', xlsx, '--as', admin, ...whereArgs(config)]);
    expect(second.out.join('\n')).toMatch(/（xlsx，SHA-256 [0-9a-f]{64}）3 个数值，新版本 3 个/);

    const json = await run(['ranking', '--month', MONTH, '--json', ...whereArgs(config)]);
    const answer = monthlyRankingAnswerSchema.parse(JSON.parse(json.out.join('\n')));
    // 东湖 9625, 南湖 7500, 西湖 7375 末位 and 约谈 (97.99 < 98), worked out in fairness-month.ts.
    expect(answer.ranking.rows.map((r) => [r.rank, r.siteName, r.scoreBp, r.isBottom, r.isSummoned])).toEqual(EXPECTED_ROWS);
    expect(answer.isWhole).toBe(true);

    const pdf = join(dir, 'tongbao.pdf');
    const csv = join(dir, 'tongbao.csv');
    const text = await run(['ranking', '--month', MONTH, '--pdf', pdf, '--csv', csv, ...whereArgs(config)]);
    expect(text.code).toBe(0);
    expect(text.out[2]).toBe(['1', '东湖管理处', '96.25', '90.00', '-', '-', '100.00', '-', '', '', '-'].join('\t'));
    expect(text.out[4]).toBe(['3', '西湖管理处', '73.75', '30.00', '-', '-', '100.00', '-', '末位', '约谈', 'KPI-CC 客户满意率 40/40'].join('\t'));
    expect(text.out.at(-1)).toBe('约谈：西湖管理处');
    expect(readFileSync(csv, 'utf8')).toContain('西湖管理处,73.75');
    const pdfText = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const name of ['东湖管理处', '南湖管理处', '西湖管理处', '约谈']) expect(pdfText).toContain(name);
    expect(pdfText).toContain('3西湖管理处73.75');

    // Uploaded under the admin, with the file's hash: the upload and the audit log say who.
    const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      const uploads = await db.db.selectFrom('kpi_uploads').select(['uploaded_by', 'file_name', 'encoding', 'figures']).orderBy('id').execute();
      expect(uploads).toEqual([
        { uploaded_by: 'hq', file_name: '指标-2026-11.csv', encoding: 'gb18030', figures: 8 },
        { uploaded_by: 'hq', file_name: '南湖.xlsx', encoding: 'xlsx', figures: 3 },
      ]);
      const logged = await db.db.selectFrom('audit_log').select(['actor_username']).where('action', '=', 'kpi-figures-uploaded').execute();
      expect(logged).toEqual([{ actor_username: 'hq' }, { actor_username: 'hq' }]);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('says what is wrong with a month that is not YYYY-MM', async () => {
    const bad = await run(['ranking', '--month', '2026-13', ...whereArgs(config)]);
    expect([bad.code, bad.err]).toEqual([1, ['ranking: --month: 月份应写成 YYYY-MM，如 2026-11 (month: YYYY-MM)']]);
  });
});
