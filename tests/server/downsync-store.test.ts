import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rubricFingerprint } from '../../src/domain/head-office';
import { migrate } from '../../src/server/db/migrate';
import { MIGRATIONS } from '../../src/server/db/migrations';
import { openDatabase, type OpenDatabase } from '../../src/server/db/open-database';
import { downSync, feedPosition } from '../../src/server/downsync/down-sync';
import { publishRubric, publishedRubrics } from '../../src/server/downsync/published-rubrics';
import { decideProposal, listProposals, proposeSite } from '../../src/server/downsync/site-proposals';
import { listSites, setSite } from '../../src/server/downsync/sites-store';
import { loadRubric } from '../support/load';
import { BACKENDS, useBackend } from './support/backends';
import { fact } from './support/head-office-facts';

const kf01 = loadRubric('KF01');
const at = '2026-12-01T08:00:00.000Z';

/** KF01 with one word changed: another version of the same rubric. */
const kf01v2 = { ...kf01, title: `${kf01.title}（2027 版）` };

describe.each(BACKENDS)('down-sync stores on %s', (backendName) => {
  const backend = useBackend(backendName);
  let open: OpenDatabase;

  beforeAll(async () => {
    open = await openDatabase(await backend.freshConfig());
  }, 120_000);
  afterAll(async () => {
    await open.close();
  });

  it('migration 3 (down-sync) moves a first-release database with audits in it forward: region read from the facts', async () => {
    expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version === 1))).toEqual({ applied: [1], version: 1 });
    // Version 1 has no region column: insert as release 1 did.
    const south = fact({ id: 'r1', site: '甲', at, e1: 10, e2: 20, region: '华南' });
    const none = { ...fact({ id: 'r2', site: '乙', at, e1: 10, e2: 20 }), region: undefined };
    for (const f of [south, none])
      await sql`insert into accepted_revisions (audit_id, lineage_id, revision, seal_hash, signer, rubric_id, rubric_fingerprint,
        site_key, site_name, auditor, audited_at, sealed_at, earned_h, possible_h, percent_tenths, facts, envelope_sha256, source, received_at)
        values (${f.auditId}, ${f.lineageId}, 1, ${'a'.repeat(64)}, ${f.signer}, 'KF01', 'sha256:v1', ${f.siteKey}, ${f.siteName},
        ${f.auditor}, ${f.auditedAt}, ${f.sealedAt}, ${f.earnedH}, ${f.possibleH}, ${f.percentTenths}, ${JSON.stringify(f)},
        ${'0'.repeat(64)}, 'release 1', ${at})`.execute(open.db);
    expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 3))).toEqual({ applied: [2, 3], version: 3 });
    const rows = await open.db.selectFrom('accepted_revisions').select(['audit_id', 'region', 'site_name']).orderBy('audit_id').execute();
    expect(rows).toEqual([
      { audit_id: 'r1', region: '华南', site_name: '甲' },
      { audit_id: 'r2', region: null, site_name: '乙' },
    ]);
    expect(await feedPosition(open.db)).toBe(0);
  });

  it('sites: codes as the tablet keys them, a no-op set writes nothing, Chinese errors name the field', async () => {
    const created = await setSite(open.db, ' sz-001 ', { name: '碧桂园凤凰城管理处', region: '华南', manager: 'zhang' }, at);
    if (!created.ok) throw new Error(JSON.stringify(created.issues));
    expect(created.value).toMatchObject({ code: 'SZ-001', siteKey: 'code:SZ-001', name: '碧桂园凤凰城管理处', region: '华南', manager: 'zhang', active: true });
    const again = await setSite(open.db, 'SZ-001', { name: '碧桂园凤凰城管理处', region: '华南', manager: 'zhang' }, '2026-12-02T00:00:00.000Z');
    expect(again.ok && again.value.changeSeq).toBe(created.value.changeSeq);
    const bad = await setSite(open.db, 'SZ-002', { name: '  ', region: '华南' }, at);
    expect(bad).toEqual({ ok: false, issues: [{ path: 'name', message: '请填写管理处名称 (name is required)' }] });
    const noCode = await setSite(open.db, '', { name: '甲' }, at);
    expect(noCode.ok ? [] : noCode.issues.map((i) => i.path)).toEqual(['code']);
  });

  it('publishing a rubric: checked, accepted for intake, the same content twice is one version', async () => {
    const first = await publishRubric(open.db, kf01, 'admin', at);
    if (!first.ok) throw new Error(JSON.stringify(first.issues));
    expect(first.value.status).toBe('published');
    expect(first.value.rubric.fingerprint).toBe(rubricFingerprint(kf01));
    const twice = await publishRubric(open.db, JSON.parse(JSON.stringify(kf01)), 'admin', at);
    expect(twice.ok && twice.value.status).toBe('unchanged');
    const accepted = await open.db.selectFrom('accepted_rubrics').select('fingerprint').execute();
    // KF01 as shipped needs no acceptance; a version Ducha does not ship is accepted on publishing.
    expect(accepted).toEqual([]);
    const second = await publishRubric(open.db, kf01v2, 'admin', at);
    expect(second.ok && second.value.status).toBe('published');
    expect((await open.db.selectFrom('accepted_rubrics').select('fingerprint').execute()).map((r) => r.fingerprint)).toEqual([
      rubricFingerprint(kf01v2),
    ]);
    expect((await publishedRubrics(open.db)).map((r) => r.title)).toEqual([kf01.title, kf01v2.title]);
    const broken = await publishRubric(open.db, { ...kf01, items: 'none' }, 'admin', at);
    expect(broken.ok).toBe(false);
    expect(broken.ok ? [] : broken.issues.map((i) => i.path)).toContain('items');
  });

  it('down-sync: everything after the cursor once, then nothing until something changes', async () => {
    const full = await downSync(open.db, 0, undefined);
    expect(full.rubrics.map((r) => r.fingerprint)).toEqual([rubricFingerprint(kf01), rubricFingerprint(kf01v2)]);
    expect(full.rubrics[1]?.rubric).toEqual(kf01v2);
    expect(full.sites.map((s) => s.code)).toEqual(['SZ-001']);
    expect(full.cursor).toBe(await feedPosition(open.db));
    expect(full.cursor).toBe(Math.max(...full.rubrics.map((r) => r.changeSeq), ...full.sites.map((s) => s.changeSeq)));
    const idle = await downSync(open.db, full.cursor, undefined);
    expect(idle).toEqual({ cursor: full.cursor, rubrics: [], sites: [], proposals: [] });
    // Retiring a site is a change like any other: sent with active false.
    await setSite(open.db, 'SZ-001', { name: '碧桂园凤凰城管理处', region: '华南', manager: 'zhang', active: false }, at);
    const next = await downSync(open.db, full.cursor, undefined);
    expect(next.sites.map((s) => [s.code, s.active])).toEqual([['SZ-001', false]]);
    expect(next.rubrics).toEqual([]);
    expect(next.cursor).toBeGreaterThan(full.cursor);
  });

  it('site proposals: recorded once, accepted as a new site or merged into one, and the decision synced down', async () => {
    const id = randomUUID();
    const before = await feedPosition(open.db);
    const proposed = await proposeSite(open.db, { id, name: '万科城管理处', region: '华南' }, 'wang', at);
    expect(proposed.ok && proposed.value.status).toBe('recorded');
    const resent = await proposeSite(open.db, { id, name: '万科城管理处', region: '华南' }, 'wang', at);
    expect(resent.ok && resent.value.status).toBe('unchanged');
    expect((await listProposals(open.db, true)).map((p) => p.id)).toEqual([id]);
    // Pending proposals are not synced down; decided ones are.
    expect((await downSync(open.db, before, undefined)).proposals).toEqual([]);

    const noCode = await decideProposal(open.db, id, { decision: 'accept' }, 'admin', at);
    expect(noCode).toEqual({ ok: false, kind: 'invalid', issues: [{ path: 'code', message: '接受提议需要管理处编码 (accepting needs a site code)' }] });
    const taken = await decideProposal(open.db, id, { decision: 'accept', code: 'sz-001' }, 'admin', at);
    expect(taken.ok ? '' : `${taken.kind} ${taken.issues[0]?.message ?? ''}`).toMatch(/^conflict 编码 SZ-001 已被使用/);
    const accepted = await decideProposal(open.db, id, { decision: 'accept', code: 'sz-009', manager: 'li' }, 'admin', at);
    if (!accepted.ok) throw new Error(JSON.stringify(accepted.issues));
    expect(accepted.value.site).toMatchObject({ code: 'SZ-009', name: '万科城管理处', region: '华南', manager: 'li' });
    expect(accepted.value.proposal).toMatchObject({ status: 'accepted', siteCode: 'SZ-009', decidedBy: 'admin' });
    const twice = await decideProposal(open.db, id, { decision: 'merge', into: 'SZ-001' }, 'admin', at);
    expect(twice.ok).toBe(false);

    const other = randomUUID();
    await proposeSite(open.db, { id: other, name: '凤凰城', region: '' }, 'zhao', at);
    const missing = await decideProposal(open.db, other, { decision: 'merge', into: 'NOPE' }, 'admin', at);
    expect(missing.ok ? '' : missing.issues[0]?.message).toMatch(/没有编码为 NOPE 的管理处/);
    const merged = await decideProposal(open.db, other, { decision: 'merge', into: 'sz-001' }, 'admin', at);
    expect(merged.ok && merged.value.proposal.status).toBe('merged');

    const sync = await downSync(open.db, before, undefined);
    expect(sync.proposals.map((p) => [p.id, p.status, p.siteCode])).toEqual([
      [id, 'accepted', 'SZ-009'],
      [other, 'merged', 'SZ-001'],
    ]);
    expect(sync.sites.map((s) => s.code)).toEqual(['SZ-009']);
    // An auditor's tablet is told only about its own proposals.
    expect((await downSync(open.db, before, 'zhao')).proposals.map((p) => p.id)).toEqual([other]);
    expect((await listSites(open.db)).map((s) => s.code)).toEqual(['SZ-001', 'SZ-009']);
  });
});
