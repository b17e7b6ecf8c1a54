import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiFiguresFact, rankMonth, toHundredths, type RankingFact } from '../../src/domain/head-office';
import { monthlyRankingAnswerSchema, kpiHistorySchema } from '../../src/domain/wire';
import { shippedMonthlyDefinition } from '../../src/server/ranking/ranking-definitions';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { EXPECTED_ROWS, FIGURE_ROWS, HEADER, KF01_AUDITS, MONTH, SITES, figuresCsvText } from '../fixtures/kpi-ranking/fairness-month';
import { encodeGbk, makeXlsx } from '../fixtures/kpi-ranking/figure-files';
import { loadRubric } from '../support/load';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { fact, insertFacts } from './support/head-office-facts';
import { addUser, signIn, signedInAs, type ApiClient, type SignedIn } from './support/sessions';
import { call, getJson } from './support/uploads';

// KF01 as percents: 27/30 = 90 %, 9/30 = 30 %, 30/30 = 100 % (the fixture's 90/100, 30/100, 100/100).
const KF01_POINTS: Readonly<Record<string, readonly [number, number]>> = { A01: [10, 17], B02: [3, 6], C03: [10, 20] };

async function upload(client: ApiClient, bytes: Uint8Array, fileName: string, type: string) {
  const response = await fetch(`${client.baseUrl}/api/kpi-figures?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { ...client.headers, 'content-type': type },
    body: Buffer.from(bytes),
  });
  const body: unknown = await response.json();
  return { status: response.status, body };
}

/** The same month computed by the domain alone from the fixture: the server must equal it. */
function domainRanking() {
  const kpiCc = loadRubric('KPI-CC');
  const audits = Object.entries(KF01_AUDITS).map(([code, [earned, possible]]): RankingFact => ({
    auditId: `kf01-${code}`,
    lineageId: `kf01-${code}`,
    revision: 1,
    rubricId: 'KF01',
    siteKey: `code:${code}`,
    siteName: SITES.find((s) => s.code === code)?.name ?? code,
    auditedAt: '2026-11-10T02:00:00.000Z',
    earnedH: earned * 100,
    possibleH: possible * 100,
  }));
  const bySite = new Map<string, Record<string, number>>();
  for (const [, site, , unit, figure] of FIGURE_ROWS) {
    const code = SITES.find((s) => s.code === site || s.name === site)?.code ?? site;
    bySite.set(code, { ...bySite.get(code), [unit]: toHundredths(Number(figure)) });
  }
  const kpi = [...bySite].map(([code, figuresH]) =>
    kpiFiguresFact(kpiCc, { id: `kpi-figures:${JSON.stringify([MONTH, `code:${code}`, 'KPI-CC'])}`, month: MONTH, siteKey: `code:${code}`, siteName: SITES.find((s) => s.code === code)?.name ?? code, figuresH }),
  );
  return rankMonth(shippedMonthlyDefinition(), [...audits, ...kpi], MONTH);
}

describe.each(BACKENDS)('the month computed on the server, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    admin = await signedInAs(server, 'admin');
    for (const site of SITES) expect((await call(admin, 'PUT', `/api/sites/${site.code}`, { name: site.name })).status).toBe(200);
    await insertFacts(
      server.services.db,
      SITES.map((s) => {
        const [e1, e2] = KF01_POINTS[s.code] ?? [0, 0];
        return fact({ id: `kf01-${s.code}`, site: s.name, siteKey: `code:${s.code}`, at: '2026-11-10T02:00:00.000Z', e1, e2 });
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('has the shipped definition published from the start', async () => {
    const listed = await getJson(`${server.url}/api/ranking-definitions`, admin);
    expect(getAt(listed.body, ['definitions', 0, 'definitionId'])).toBe('monthly');
    expect(getAt(listed.body, ['definitions', 0, 'publishedBy'])).toBe('ducha (shipped)');
  });

  it('takes a GBK CSV and an .xlsx and ranks the hand-computed month, equal to the domain’s rankMonth', async () => {
    // A and B (B by name) in a GBK CSV; C in an .xlsx with its 回访率 left out.
    const gbk = encodeGbk(figuresCsvText(FIGURE_ROWS.slice(0, 8)));
    const csv = await upload(admin, gbk, '指标-2026-11.csv', 'text/csv');
    expect([csv.status, getAt(csv.body, ['encoding']), getAt(csv.body, ['figures']), getAt(csv.body, ['newVersions'])]).toEqual([201, 'gb18030', 8, 8]);
    const xlsx = await upload(admin, makeXlsx([[...HEADER], ...FIGURE_ROWS.slice(8).map((r) => [...r])]), '南湖.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect([xlsx.status, getAt(xlsx.body, ['encoding']), getAt(xlsx.body, ['figures'])]).toEqual([201, 'xlsx', 3]);

    const answer = await getJson(`${server.url}/api/head-office/monthly-ranking?month=${MONTH}`, admin);
    expect(answer.status).toBe(200);
    const { ranking } = monthlyRankingAnswerSchema.parse(answer.body);
    expect(ranking.rows.map((r) => [r.rank, r.siteName, r.scoreBp, r.isBottom, r.isSummoned])).toEqual(EXPECTED_ROWS);
    expect(ranking).toEqual(JSON.parse(JSON.stringify(domainRanking())));
    expect(ranking.rows[2]?.belowTarget.map((u) => u.title)).toEqual(['客户满意率']);
    expect(ranking.rows[1]?.belowTarget.map((u) => [u.title, u.missing])).toEqual([['有效电话回访率', true]]);

    const pdf = await fetch(`${server.url}/api/head-office/monthly-ranking.pdf?month=${MONTH}`, { headers: admin.headers });
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const csvReport = await fetch(`${server.url}/api/head-office/monthly-ranking.csv?month=${MONTH}`, { headers: admin.headers });
    const csvText = await csvReport.text();
    expect(csvText).toContain('西湖管理处,73.75');
    expect(csvText).toContain('KPI-CC 有效电话回访率 缺报');
  });

  it('keeps a corrected figure as a new version beside the old one, and ranks on the newest', async () => {
    const corrected = await upload(admin, new TextEncoder().encode(`\uFEFF${figuresCsvText([[MONTH, 'B02', 'KPI-CC', '1', '98']])}`), '更正.csv', 'text/csv');
    expect([corrected.status, getAt(corrected.body, ['encoding']), getAt(corrected.body, ['newVersions'])]).toEqual([201, 'utf-8', 1]);
    const history = kpiHistorySchema.parse((await getJson(`${server.url}/api/kpi-figures?month=${MONTH}`, admin)).body);
    const versions = history.figures.filter((f) => f.siteKey === 'code:B02' && f.unitId === '1');
    expect(versions.map((v) => [v.version, v.figure, v.fileName, v.encoding, v.isCurrent])).toEqual([
      [1, 97.99, '指标-2026-11.csv', 'gb18030', false],
      [2, 98, '更正.csv', 'utf-8', true],
    ]);
    const rows = await server.services.db.selectFrom('kpi_figures').select(['version', 'figure_h']).where('site_key', '=', 'code:B02').where('unit_id', '=', '1').orderBy('version').execute();
    expect(rows).toEqual([{ version: 1, figure_h: 9799 }, { version: 2, figure_h: 9800 }]);
    const { ranking } = monthlyRankingAnswerSchema.parse((await getJson(`${server.url}/api/head-office/monthly-ranking?month=${MONTH}`, admin)).body);
    // B still 末位 (7375) but now meets every standard: not 约谈.
    expect(ranking.rows.map((r) => [r.siteName, r.isBottom, r.isSummoned])).toEqual([
      ['东湖管理处', false, false],
      ['南湖管理处', false, false],
      ['西湖管理处', true, false],
    ]);
    const log = await server.services.db.selectFrom('audit_log').select(['action', 'actor_username']).where('action', '=', 'kpi-figures-uploaded').execute();
    expect(log).toHaveLength(3);
  });

  it('refuses, whole and with the line and reason, what it cannot read exactly', async () => {
    const before = await server.services.db.selectFrom('kpi_figures').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const fraction = await upload(admin, new TextEncoder().encode(figuresCsvText([[MONTH, 'A01', 'KPI-CC', '1', '0.97']])), 'f.csv', 'text/csv');
    expect([fraction.status, getAt(fraction.body, ['error', 'message'])]).toEqual([422, '第 2 行：比率“0.97”像是小数写法：请按百分数填写，如 97 表示 97%（不要写成 0.97）']);
    const unknown = await upload(admin, new TextEncoder().encode(figuresCsvText([[MONTH, 'A01', 'KPI-CC', '1', '99'], [MONTH, '北湖管理处', 'KPI-CC', '1', '99']])), 'u.csv', 'text/csv');
    expect([unknown.status, String(getAt(unknown.body, ['error', 'message']))]).toEqual([422, expect.stringContaining('第 3 行：没有这个被考核单位“北湖管理处”')]);
    // Bytes valid in neither UTF-8 nor GB18030 (0x80 alone, 0xFF): refused with the reason, never mojibake.
    const neither = await upload(admin, new Uint8Array([0xe6, 0x9c, 0x88, 0x80, 0xff, 0x2c, 0x0a]), 'x.csv', 'text/csv');
    expect([neither.status, String(getAt(neither.body, ['error', 'message']))]).toEqual([422, expect.stringContaining('既不是 UTF-8 也不是 GBK/GB18030')]);
    const after = await server.services.db.selectFrom('kpi_figures').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(String(after.n)).toBe(String(before.n));
  });

  it('gives a site manager their own site’s row and place only', async () => {
    const manager = await addUser(server.services.db, 'site-manager', { siteKeys: ['code:B02'] });
    const client = await signIn(server.url, manager.username);
    const { ranking, isWhole } = monthlyRankingAnswerSchema.parse((await getJson(`${server.url}/api/head-office/monthly-ranking?month=${MONTH}`, client)).body);
    expect([isWhole, ranking.rows.map((r) => [r.rank, r.siteName])]).toEqual([false, [[3, '西湖管理处']]]);
    const history = kpiHistorySchema.parse((await getJson(`${server.url}/api/kpi-figures?month=${MONTH}`, client)).body);
    expect(new Set(history.figures.map((f) => f.siteKey))).toEqual(new Set(['code:B02']));
  });
});
