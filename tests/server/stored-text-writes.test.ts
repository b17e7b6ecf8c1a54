import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedMonthlyDefinition } from '../../src/server/ranking/ranking-definitions';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { FIGURE_ROWS, MONTH, SITES, figuresCsvText } from '../fixtures/kpi-ranking/fairness-month';
import { nodeSigner } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { addUser, signIn, type SignedIn } from './support/sessions';
import { call, enrol, freshAudit, postAudit, putFixtureImages, seal } from './support/uploads';

/**
 * The writes that take text from head office (a hand-over's reason, a ranking definition's title and rule, a KPI
 * file's site cells and file name) refuse a NUL or a half surrogate with a 4xx naming where, instead of handing it
 * to the database, which refuses it with an error the client sees as a 500 on every retry.
 */
const errorOf = (answer: { status: number; body: unknown }) => [answer.status, getAt(answer.body, ['error', 'path'])];

describe.each(BACKENDS)('text written by head office is plain text or refused with where, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let auditId: string;
  let auditorId: number;

  const rowCount = async (table: 'hand_overs' | 'ranking_definitions' | 'kpi_uploads' | 'kpi_figures'): Promise<number> => {
    const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(server.services.db);
    return row.rows[0]?.n ?? -1;
  };

  const uploadFigures = async (text: string, fileName: string) => {
    const response = await fetch(`${server.url}/api/kpi-figures?fileName=${encodeURIComponent(fileName)}`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'text/csv' },
      body: new TextEncoder().encode(text),
    });
    const body: unknown = await response.json();
    return { status: response.status, body };
  };

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    const { db } = server.services;
    const adminUser = await addUser(db, 'admin');
    const auditor = await addUser(db, 'auditor', { displayName: '王小明' });
    auditorId = auditor.userId;
    const tablet = await nodeSigner();
    await enrol(db, tablet, '王小明', auditor.userId);
    const auditorClient = await signIn(server.url, auditor.username);
    await putFixtureImages(auditorClient);
    const envelope = await seal(freshAudit(), tablet);
    expect((await postAudit(auditorClient, envelope)).status).toBe(201);
    auditId = envelope.payload.audit.id;
    admin = await signIn(server.url, adminUser.username);
    for (const site of SITES) expect((await call(admin, 'PUT', `/api/sites/${site.code}`, { name: site.name })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('refuses a hand-over whose reason has a NUL or a half surrogate, or whose user id is beyond any id, and stores none', async () => {
    const at = `/api/audits/${auditId}/hand-over`;
    expect(errorOf(await call(admin, 'POST', at, { toUserId: auditorId, reason: '原稽核员\u0000离职' }))).toEqual([400, 'reason']);
    expect(errorOf(await call(admin, 'POST', at, { toUserId: auditorId, reason: '离职\ud800' }))).toEqual([400, 'reason']);
    expect(errorOf(await call(admin, 'POST', at, { toUserId: 2 ** 31, reason: '原稽核员离职' }))).toEqual([400, 'toUserId']);
    expect(await rowCount('hand_overs')).toBe(0);
    // The same hand-over in plain text is taken: the refusals above were about the text alone.
    expect((await call(admin, 'POST', at, { toUserId: auditorId, reason: '原稽核员离职' })).status).toBe(201);
    expect(await rowCount('hand_overs')).toBe(1);
  });

  it('refuses a ranking definition whose title or rule has a NUL or a half surrogate, with the path, and publishes none', async () => {
    const shipped = shippedMonthlyDefinition();
    const before = await rowCount('ranking_definitions');
    const title = await call(admin, 'POST', '/api/ranking-definitions', { ...shipped, id: 'attack', title: '月度\u0000排名' });
    expect(errorOf(title)).toEqual([422, 'title']);
    expect(getAt(title.body, ['error', 'message'])).toContain('不能含控制字符');
    const rule = await call(admin, 'POST', '/api/ranking-definitions', { ...shipped, id: 'attack', bottom: { ...shipped.bottom, rule: 'x\udfffy' } });
    expect(errorOf(rule)).toEqual([422, 'bottom.rule']);
    const rubricId = await call(admin, 'POST', '/api/ranking-definitions', {
      ...shipped,
      id: 'attack',
      components: [{ rubricId: 'KF01\u0000', kind: 'scorecard', weight: 1 }],
    });
    expect(errorOf(rubricId)).toEqual([422, 'components[0].rubricId']);
    expect(await rowCount('ranking_definitions')).toBe(before);
  });

  it('refuses a KPI file whose site cell has a NUL (with its line and column) or whose file name has one, and stores none of it', async () => {
    const [first] = FIGURE_ROWS;
    if (!first) throw new Error('fixture');
    const nulSite = await uploadFigures(figuresCsvText([first, [MONTH, 'A\u000001', 'KPI-CC', '2', '2300']]), '指标.csv');
    // Line 3: the header is line 1, the good row line 2.
    expect([nulSite.status, getAt(nulSite.body, ['error', 'issues'])]).toEqual([422, [{ path: 'line 3', message: '第 2 列（被考核单位）含控制字符（如 NUL）或残缺的 Unicode 字符' }]]);
    const nulName = await uploadFigures(figuresCsvText([first]), '指标\u0000.csv');
    expect(errorOf(nulName)).toEqual([400, 'fileName']);
    expect([await rowCount('kpi_uploads'), await rowCount('kpi_figures')]).toEqual([0, 0]);
    expect((await uploadFigures(figuresCsvText([first]), '指标.csv')).status).toBe(201);
    expect([await rowCount('kpi_uploads'), await rowCount('kpi_figures')]).toEqual([1, 1]);
  });
});
