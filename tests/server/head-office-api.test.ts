import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { useBackend } from './support/backends';
import { FACTS, insertFacts, NOVEMBER } from './support/head-office-facts';
import { getJson } from './support/uploads';

const november = new URLSearchParams(NOVEMBER).toString();

// The SQL is proven equal to the domain on both backends in head-office-queries.test.ts; this is the HTTP
// layer: query parsing, answers' shape, the CSV files byte for byte.
describe('head-office API over HTTP', () => {
  const backend = useBackend('PGlite');
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    url = server.url;
    await insertFacts(server.services.db, FACTS);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('ranking: the hand-computed November ranking, bottom 1 marked', async () => {
    const answer = await getJson(`${url}/api/head-office/ranking?${november}&bottomN=1`);
    expect(answer.status).toBe(200);
    const ranking = getAt(answer.body, ['ranking']);
    expect(Array.isArray(ranking) ? ranking.map((r) => [getAt(r, ['siteName']), getAt(r, ['averagePercentTenths']), getAt(r, ['changeTenths']), getAt(r, ['isBottom'])]) : []).toEqual([
      ['甲', 900, null, false],
      ['丙', 600, null, false],
      ['乙', 333, -267, true],
    ]);
  });

  it('trend, heat map and drill-down answer with the hand-computed values', async () => {
    const trend = await getJson(`${url}/api/head-office/trend?${november}&site=${encodeURIComponent('name:甲')}`);
    expect(trend.body).toEqual({
      points: [
        { auditId: 'a1', auditedAt: '2026-11-03T02:00:00.000Z', percentTenths: 1000 },
        { auditId: 'a2', auditedAt: '2026-11-20T02:00:00.000Z', percentTenths: 800 },
      ],
    });
    const heat = await getJson(`${url}/api/head-office/heat-map?${november}`);
    const cells = getAt(heat.body, ['cells']);
    expect(Array.isArray(cells) ? cells.find((c) => getAt(c, ['siteKey']) === 'name:甲' && getAt(c, ['itemId']) === '2') : undefined).toEqual({
      siteKey: 'name:甲',
      itemId: '2',
      lostTenths: 100,
      lostH: 400,
      possibleH: 4000,
      audits: 2,
    });
    const drill = await getJson(`${url}/api/head-office/drill-down?${november}&site=${encodeURIComponent('name:乙')}&item=2`);
    expect(getAt(drill.body, ['audits', 0, 'units', 0, 'note'])).toBe('无人接听');
    expect(getAt(drill.body, ['audits', 0, 'auditId'])).toBe('b1');
  });

  it('refuses a filter it cannot read, saying which and why', async () => {
    const noRubric = await getJson(`${url}/api/head-office/ranking`);
    expect([noRubric.status, getAt(noRubric.body, ['error', 'path'])]).toEqual([400, 'rubricId']);
    const badTime = await getJson(`${url}/api/head-office/ranking?rubricId=KF01&from=yesterday`);
    expect([badTime.status, getAt(badTime.body, ['error', 'path'])]).toEqual([400, 'from']);
    expect(String(getAt(badTime.body, ['error', 'message']))).toMatch(/带时区的 ISO 时间/);
    const unknown = await getJson(`${url}/api/head-office/heat-map?rubricId=KF01&colour=red`);
    expect(unknown.status).toBe(400);
    const badZone = await getJson(`${url}/api/head-office/audits.csv?rubricId=KF01&tz=Mars/Olympus`);
    expect([badZone.status, getAt(badZone.body, ['error', 'path'])]).toEqual([400, 'tz']);
  });

  it('考核 CSV: the app’s columns with Chinese headers, times in the zone named in the header', async () => {
    const answer = await fetch(`${url}/api/head-office/audits.csv?${november}`);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="ducha-KF01-audits.csv"');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await answer.arrayBuffer());
    expect(text).toBe(
      '\uFEFF' +
        [
          '单位,区域,考核表,考核时间(Asia/Shanghai),考核人,得分,可得分,得分率(%)',
          '甲,华南,KF01,2026-11-03 10:00,王小明,30,30,100',
          '乙,华南,KF01,2026-11-10 10:00,王小明,10,30,33.3',
          '丙,华南,KF01,2026-11-12 10:00,王小明,6,10,60',
          '甲,华南,KF01,2026-11-20 10:00,王小明,24,30,80',
        ]
          .map((line) => `${line}\r\n`)
          .join(''),
    );
  });

  it('评分单元 CSV: one row per graded unit, grades in Chinese, in the zone asked for', async () => {
    const text = await (await fetch(`${url}/api/head-office/units.csv?${november}&siteKey=${encodeURIComponent('name:乙')}&tz=UTC`)).text();
    expect(text.replace(/^\uFEFF/, '')).toBe(
      [
        '考核编号,单位,考核表,考核时间(UTC),评分单元,评定,得分,可得分,备注',
        'b1,乙,KF01,2026-11-10 02:00,1,符合,10,10,',
        'b1,乙,KF01,2026-11-10 02:00,2,不符合,0,20,无人接听',
      ]
        .map((line) => `${line}\r\n`)
        .join(''),
    );
  });
});
