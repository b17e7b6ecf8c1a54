import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradesOf, scoreAudit, siteKeyOf, type Audit, type SealSigner } from '../../src/domain/index';
import { receivedAuditListSchema, type ReceivedAudit } from '../../src/domain/wire';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { nodeSigner } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type SignedIn } from './support/sessions';
import { call, enrol, freshAudit, kf01, postAudit, putFixtureImages, revisionTwo, seal } from './support/uploads';

const SITE_A = '碧桂园凤凰城管理处';
const SITE_B = '万科城市花园管理处';
const keyA = siteKeyOf({ name: SITE_A });
const keyB = siteKeyOf({ name: SITE_B });

const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T02:30:00.000Z`;
const auditOn = (site: string, day: number): Audit => ({ ...freshAudit({ site }), auditedAt: at(day) });

async function list(client: SignedIn, query = ''): Promise<readonly ReceivedAudit[]> {
  const answer = await call(client, 'GET', `/api/audits${query}`);
  expect(answer.status).toBe(200);
  return receivedAuditListSchema.parse(answer.body).audits;
}
const idsOf = (audits: readonly ReceivedAudit[]) => audits.map((a) => a.auditId);

describe.each(BACKENDS)('the list of received audits, scoped to the reader, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let auditor: SignedIn;
  let otherAuditor: SignedIn;
  let managerA: SignedIn;
  let admin: SignedIn;
  let tablet: SealSigner;
  // Site A: day 20, day 22 (later amended), day 24. Site B: day 23.
  const a20 = auditOn(SITE_A, 20);
  const a22 = auditOn(SITE_A, 22);
  const a24 = auditOn(SITE_A, 24);
  const b23 = auditOn(SITE_B, 23);
  const a22v2 = revisionTwo(a22);

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    const { db } = server.services;
    auditor = await signedInAs(server, 'auditor', { displayName: '王小明' });
    otherAuditor = await signedInAs(server, 'auditor', { displayName: '张三' });
    managerA = await signedInAs(server, 'site-manager', { siteKeys: [keyA] });
    admin = await signedInAs(server, 'admin');
    tablet = await nodeSigner();
    await enrol(db, tablet, '王小明', auditor.userId);
    await putFixtureImages(auditor);
    for (const audit of [a20, a22, a24, b23]) expect((await postAudit(auditor, await seal(audit, tablet))).status).toBe(201);
    const first = await server.services.db.selectFrom('accepted_revisions').select('seal_hash').where('audit_id', '=', a22.id).executeTakeFirstOrThrow();
    expect((await postAudit(auditor, await seal(a22v2, tablet, { previousHash: first.seal_hash }))).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('gives a site manager the latest revision of their own sites’ audits only, newest first, with the figures of each', async () => {
    const audits = await list(managerA);
    // a22 was amended: its revision 2 is listed in its place (same audit time), never both.
    expect(idsOf(audits)).toEqual([a24.id, a22v2.id, a20.id]);
    expect(audits.map((a) => [a.siteKey, a.siteName, a.revision, a.auditedAt])).toEqual([
      [keyA, SITE_A, 1, at(24)],
      [keyA, SITE_A, 2, at(22)],
      [keyA, SITE_A, 1, at(20)],
    ]);
    // The figures come from the seal: the kf01-mixed grades as sent, scored by the domain; revision 2 all compliant.
    const sent = gradesOf(a20.answers);
    const counts: Record<string, number> = {};
    for (const grade of Object.values(sent)) if (grade !== undefined) counts[grade] = (counts[grade] ?? 0) + 1;
    const score = scoreAudit(kf01, sent);
    expect(audits[2]).toMatchObject({ rubricId: 'KF01', auditor: '王小明', earnedH: score.earnedH, possibleH: score.possibleH, grades: counts });
    expect(Object.keys(counts).length).toBeGreaterThan(1);
    expect(audits[1]?.grades).toEqual({ compliant: a22v2.answers.length });
  });

  it('gives a site manager nothing of another site, whether asked by ?site=, by audit id or for its envelope', async () => {
    expect(await list(managerA, `?site=${encodeURIComponent(keyB)}`)).toEqual([]);
    expect(idsOf(await list(managerA, `?site=${encodeURIComponent(keyA)}`))).toEqual([a24.id, a22v2.id, a20.id]);
    const record = await call(managerA, 'GET', `/api/audits/${b23.id}`);
    expect([record.status, getAt(record.body, ['error', 'code'])]).toEqual([403, 'forbidden']);
    expect(JSON.stringify(record.body)).not.toContain(SITE_B);
    const envelope = await call(managerA, 'GET', `/api/audits/${b23.id}/envelope`);
    expect([envelope.status, getAt(envelope.body, ['error', 'code'])]).toEqual([403, 'forbidden']);
    expect(JSON.stringify(envelope.body)).not.toContain(SITE_B);
    // Their own site's envelope is the sealed one, byte for byte.
    const own = await call(managerA, 'GET', `/api/audits/${a24.id}/envelope`);
    expect(own.status).toBe(200);
    expect(getAt(own.body, ['payload', 'audit', 'site', 'name'])).toBe(SITE_A);
  });

  it('gives a site manager of no sites nothing at all', async () => {
    const nobody = await signedInAs(server, 'site-manager', { siteKeys: [] });
    expect(await list(nobody)).toEqual([]);
    expect(await list(nobody, `?site=${encodeURIComponent(keyA)}`)).toEqual([]);
  });

  it('gives the admin every site, an auditor their own audits and another auditor none', async () => {
    expect(idsOf(await list(admin))).toEqual([a24.id, b23.id, a22v2.id, a20.id]);
    expect(idsOf(await list(admin, `?site=${encodeURIComponent(keyB)}`))).toEqual([b23.id]);
    expect(idsOf(await list(auditor))).toEqual([a24.id, b23.id, a22v2.id, a20.id]);
    expect(await list(otherAuditor)).toEqual([]);
  });

  it('filters by time and pages with the cursor it gives, each audit exactly once', async () => {
    expect(idsOf(await list(admin, `?from=${at(21)}&to=${at(23)}`))).toEqual([b23.id, a22v2.id]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await call(admin, 'GET', `/api/audits?limit=1${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(answer.status).toBe(200);
      const page = receivedAuditListSchema.parse(answer.body);
      seen.push(...idsOf(page.audits));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual([a24.id, b23.id, a22v2.id, a20.id]);
    expect(pages).toBe(4);
  });

  it('refuses a bad limit or a cursor it did not give, saying which', async () => {
    const limit = await call(admin, 'GET', '/api/audits?limit=0');
    expect([limit.status, getAt(limit.body, ['error', 'path'])]).toEqual([400, 'limit']);
    const cursor = await call(admin, 'GET', '/api/audits?cursor=bm90LWEtY3Vyc29y');
    expect([cursor.status, getAt(cursor.body, ['error', 'path'])]).toEqual([400, 'cursor']);
  });
});
