import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { useBackend } from './support/backends';
import { fact, FACTS, insertFacts, NOVEMBER } from './support/head-office-facts';
import { signedInAs, type SignedIn } from './support/sessions';
import { getJson } from './support/uploads';

const november = new URLSearchParams(NOVEMBER).toString();

// The SQL is proven equal to the domain on both backends in head-office-queries.test.ts; this is the HTTP
// layer: query parsing, answers' shape, the CSV files byte for byte.
describe('head-office API over HTTP', () => {
  const backend = useBackend('PGlite');
  let server: RunningServer;
  let url: string;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    url = server.url;
    await insertFacts(server.services.db, FACTS);
    admin = await signedInAs(server, 'admin');
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('ranking: the hand-computed November ranking, bottom 1 marked', async () => {
    const answer = await getJson(`${url}/api/head-office/ranking?${november}&bottomN=1`, admin);
    expect(answer.status).toBe(200);
    const ranking = getAt(answer.body, ['ranking']);
    expect(Array.isArray(ranking) ? ranking.map((r) => [getAt(r, ['siteName']), getAt(r, ['averagePercentTenths']), getAt(r, ['changeTenths']), getAt(r, ['isBottom'])]) : []).toEqual([
      ['甲', 900, null, false],
      ['丙', 600, null, false],
      ['乙', 333, -267, true],
    ]);
  });

  it('trend, heat map and drill-down answer with the hand-computed values', async () => {
    const trend = await getJson(`${url}/api/head-office/trend?${november}&site=${encodeURIComponent('name:甲')}`, admin);
    expect(trend.body).toEqual({
      points: [
        { auditId: 'a1', auditedAt: '2026-11-03T02:00:00.000Z', percentTenths: 1000 },
        { auditId: 'a2', auditedAt: '2026-11-20T02:00:00.000Z', percentTenths: 800 },
      ],
    });
    const heat = await getJson(`${url}/api/head-office/heat-map?${november}`, admin);
    const cells = getAt(heat.body, ['cells']);
    expect(Array.isArray(cells) ? cells.find((c) => getAt(c, ['siteKey']) === 'name:甲' && getAt(c, ['itemId']) === '2') : undefined).toEqual({
      siteKey: 'name:甲',
      itemId: '2',
      lostTenths: 100,
      lostH: 400,
      possibleH: 4000,
      audits: 2,
    });
    const drill = await getJson(`${url}/api/head-office/drill-down?${november}&site=${encodeURIComponent('name:乙')}&item=2`, admin);
    expect(getAt(drill.body, ['audits', 0, 'units', 0, 'note'])).toBe('无人接听');
    expect(getAt(drill.body, ['audits', 0, 'auditId'])).toBe('b1');
  });

  it('refuses a filter it cannot read, saying which and why', async () => {
    const noRubric = await getJson(`${url}/api/head-office/ranking`, admin);
    expect([noRubric.status, getAt(noRubric.body, ['error', 'path'])]).toEqual([400, 'rubricId']);
    const badTime = await getJson(`${url}/api/head-office/ranking?rubricId=KF01&from=yesterday`, admin);
    expect([badTime.status, getAt(badTime.body, ['error', 'path'])]).toEqual([400, 'from']);
    expect(String(getAt(badTime.body, ['error', 'message']))).toMatch(/带时区的 ISO 时间/);
    const unknown = await getJson(`${url}/api/head-office/heat-map?rubricId=KF01&colour=red`, admin);
    expect(unknown.status).toBe(400);
    const badZone = await getJson(`${url}/api/head-office/audits.csv?rubricId=KF01&tz=Mars/Olympus`, admin);
    expect([badZone.status, getAt(badZone.body, ['error', 'path'])]).toEqual([400, 'tz']);
  });

  it('考核 CSV: the app’s columns with Chinese headers, times in the zone named in the header', async () => {
    const answer = await fetch(`${url}/api/head-office/audits.csv?${november}`, { headers: admin.headers });
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
    const text = await (await fetch(`${url}/api/head-office/units.csv?${november}&siteKey=${encodeURIComponent('name:乙')}&tz=UTC`, { headers: admin.headers })).text();
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

  it('a 管理处负责人 sees only their sites and an auditor only what their own keys sealed, in every answer', async () => {
    const signer = 'c'.repeat(64);
    const auditor = await signedInAs(server, 'auditor');
    await insertFacts(server.services.db, [fact({ id: 'e1', site: '戊', at: '2026-11-15T02:00:00.000Z', e1: 9, e2: 18, signer })]);
    await server.services.db
      .insertInto('device_keys')
      .values({
        key_id: signer,
        public_key: JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }),
        device_label: '平板 9',
        auditor: auditor.username,
        enrolled_at: '2026-11-01T00:00:00.000Z',
        user_id: auditor.userId,
      })
      .execute();
    const manager = await signedInAs(server, 'site-manager', { siteKeys: ['name:乙'] });
    const sitesIn = async (client: SignedIn) => {
      const answer = await getJson(`${url}/api/head-office/ranking?${november}`, client);
      const ranking = getAt(answer.body, ['ranking']);
      return Array.isArray(ranking) ? ranking.map((r) => getAt(r, ['siteName'])) : [];
    };
    // 戊 is 27/30 = 90.0 %, as 甲: equal averages go by name (甲 jiǎ before 戊 wù).
    expect(await sitesIn(admin)).toEqual(['甲', '戊', '丙', '乙']);
    expect(await sitesIn(manager)).toEqual(['乙']);
    expect(await sitesIn(auditor)).toEqual(['戊']);
    // Asking for another site by name does not get round it: the scope is in the SQL of every query.
    const trend = await getJson(`${url}/api/head-office/trend?${november}&site=${encodeURIComponent('name:甲')}`, manager);
    expect(trend.body).toEqual({ points: [] });
    const drill = await getJson(`${url}/api/head-office/drill-down?${november}&site=${encodeURIComponent('name:甲')}&item=2`, auditor);
    expect(drill.body).toEqual({ audits: [] });
    const heat = await getJson(`${url}/api/head-office/heat-map?${november}`, manager);
    expect(getAt(heat.body, ['sites'])).toEqual([{ siteKey: 'name:乙', siteName: '乙' }]);
    const csv = await (await fetch(`${url}/api/head-office/audits.csv?${november}`, { headers: manager.headers })).text();
    expect(csv.split('\r\n').filter((line) => line !== '').slice(1)).toEqual(['乙,华南,KF01,2026-11-10 10:00,王小明,10,30,33.3']);
    const none = await signedInAs(server, 'site-manager');
    expect(await sitesIn(none)).toEqual([]);
  });
});
