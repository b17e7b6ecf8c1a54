import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keyId, writeBundleV2, type Audit, type SealedEnvelope, type SealSigner } from '../../src/domain/head-office';
import { reindex } from '../../src/server/intake/reindex';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { NOVEMBER } from './support/head-office-facts';
import { signedInAs, type ApiClient, type SignedIn } from './support/sessions';
import { call, enrol, freshAudit, getJson, postAudit, putFixtureImages, revisionTwo, seal } from './support/uploads';

async function postBundle(client: ApiClient, envelopes: readonly SealedEnvelope[]): Promise<unknown[]> {
  const zip = writeBundleV2(envelopes.map((envelope) => ({ envelope, images: imagesOf() })), '2026-12-01T00:00:00.000Z');
  const response = await fetch(`${client.baseUrl}/api/bundles`, {
    method: 'POST',
    headers: { ...client.headers, 'content-type': 'application/zip' },
    body: Buffer.from(zip),
  });
  const audits = getAt(await response.json(), ['audits']);
  return Array.isArray(audits) ? audits.map((a) => getAt(a, ['status'])) : [response.status];
}

describe.each(BACKENDS)('a correction belongs to its author unless head office hands the audit over, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;
  let auditorA: SignedIn;
  let auditorB: SignedIn;
  let tabletA: SealSigner;
  let tabletB: SealSigner;

  /** B's audit, accepted: the revision A will try to correct. */
  async function auditOfB(site: string): Promise<{ audit: Audit; sealed: SealedEnvelope }> {
    const audit = freshAudit({ site });
    const sealed = await seal(audit, tabletB);
    expect((await postAudit(auditorB, sealed)).status).toBe(201);
    return { audit, sealed };
  }

  const lineageRows = (lineageId: string) =>
    server.services.db.selectFrom('accepted_revisions').select(['revision', 'seal_hash', 'signer']).where('lineage_id', '=', lineageId).orderBy('revision').execute();

  const rankedPercent = async (site: string) => {
    const answer = await getJson(`${server.url}/api/head-office/ranking?${new URLSearchParams(NOVEMBER).toString()}`, admin);
    const ranking = z.array(z.unknown()).parse(getAt(answer.body, ['ranking']));
    const row = ranking.find((r) => getAt(r, ['siteName']) === site);
    return getAt(row, ['averagePercentTenths']);
  };

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    admin = await signedInAs(server, 'admin');
    auditorA = await signedInAs(server, 'auditor', { displayName: '王小明' });
    auditorB = await signedInAs(server, 'auditor', { displayName: '张三' });
    tabletA = await nodeSigner();
    tabletB = await nodeSigner();
    await enrol(server.services.db, tabletA, '王小明', auditorA.userId);
    await enrol(server.services.db, tabletB, '张三', auditorB.userId);
    await putFixtureImages(auditorA);
    await putFixtureImages(auditorB);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('keeps A’s “revision 2” of B’s audit as a conflict with both seals (upload and bundle): B’s stays stored and ranked', async () => {
    const { audit, sealed } = await auditOfB('甲管理处');
    const before = await rankedPercent('甲管理处');
    // Rev 1 (kf01-mixed) scores below 100 %; rev 2 grades every unit compliant: 1000 tenths if it were ranked.
    expect(before).not.toBe(1000);
    const byA = await seal(revisionTwo(audit), tabletA, { previousHash: sealed.hash });
    const answer = await postAudit(auditorA, byA);
    expect([answer.status, getAt(answer.body, ['error', 'code'])]).toEqual([409, 'conflict']);
    expect(getAt(answer.body, ['error', 'message'])).toMatch(/belongs to another auditor: only its author corrects an audit/);
    expect(getAt(answer.body, ['error', 'existing'])).toMatchObject({ auditId: audit.id, hash: sealed.hash, signer: keyId(tabletB.publicKey) });
    expect(await postBundle(auditorA, [byA])).toEqual(['conflict']);
    const conflicts = await server.services.db.selectFrom('conflicts').selectAll().where('audit_id', '=', byA.payload.audit.id).execute();
    expect(conflicts.map((c) => [c.incoming_hash, getAt(c.existing, ['hash'])])).toEqual([
      [byA.hash, sealed.hash],
      [byA.hash, sealed.hash],
    ]);
    // The refused seal's bytes are kept beside the conflict, so both seals can be shown.
    expect(conflicts.every((c) => c.incoming_envelope_sha256 !== null)).toBe(true);
    expect((await lineageRows(audit.lineageId)).map((r) => [r.revision, r.seal_hash])).toEqual([[1, sealed.hash]]);
    expect(await rankedPercent('甲管理处')).toBe(before);
  });

  it('stores A’s revision after head office hands B’s audit to A, and B’s own correction is then the conflict', async () => {
    const { audit, sealed } = await auditOfB('乙管理处');
    const byA = await seal(revisionTwo(audit), tabletA, { previousHash: sealed.hash });
    expect((await postAudit(auditorA, byA)).status).toBe(409);
    const handOver = await call(admin, 'POST', `/api/audits/${audit.id}/hand-over`, { toUserId: auditorA.userId, reason: '张三调岗，由王小明复核' });
    expect([handOver.status, getAt(handOver.body, ['toUserId']), getAt(handOver.body, ['lineageId'])]).toEqual([201, auditorA.userId, audit.lineageId]);
    const logged = await call(admin, 'GET', '/api/audit-log?action=audit-handed-over');
    expect(getAt(logged.body, ['entries', 0])).toMatchObject({ target: audit.id, detail: { toUserId: auditorA.userId, reason: '张三调岗，由王小明复核' } });
    // The same upload as before, now the handed-over author's: stored and ranked (every unit compliant: 100.0 %).
    expect((await postAudit(auditorA, byA)).status).toBe(201);
    expect((await lineageRows(audit.lineageId)).map((r) => [r.revision, r.seal_hash])).toEqual([
      [1, sealed.hash],
      [2, byA.hash],
    ]);
    expect(await rankedPercent('乙管理处')).toBe(1000);
    // Revision 3 continues A's revision 2: A's again, B's is not.
    const third = { ...revisionTwo(audit), revision: 3, previousId: byA.payload.audit.id };
    const byB = await seal({ ...third, id: crypto.randomUUID() }, tabletB, { previousHash: byA.hash });
    expect((await postAudit(auditorB, byB)).status).toBe(409);
    expect((await postAudit(auditorA, await seal(third, tabletA, { previousHash: byA.hash }))).status).toBe(201);
  });

  it('refuses bad hand-overs: a site manager as target, an audit not here, no reason; only admins may', async () => {
    const { audit } = await auditOfB('丙管理处');
    const manager = await signedInAs(server, 'site-manager');
    const toManager = await call(admin, 'POST', `/api/audits/${audit.id}/hand-over`, { toUserId: manager.userId, reason: '交接' });
    expect([toManager.status, getAt(toManager.body, ['error', 'path'])]).toEqual([422, 'toUserId']);
    const nowhere = await call(admin, 'POST', `/api/audits/${crypto.randomUUID()}/hand-over`, { toUserId: auditorA.userId, reason: '交接' });
    expect(nowhere.status).toBe(404);
    const noReason = await call(admin, 'POST', `/api/audits/${audit.id}/hand-over`, { toUserId: auditorA.userId, reason: '  ' });
    expect([noReason.status, getAt(noReason.body, ['error', 'path'])]).toEqual([400, 'reason']);
    expect((await call(auditorA, 'POST', `/api/audits/${audit.id}/hand-over`, { toUserId: auditorA.userId, reason: '我来' })).status).toBe(403);
    expect(await server.services.db.selectFrom('hand_overs').select('id').where('audit_id', '=', audit.id).execute()).toEqual([]);
  });

  it('reindex reaches the same decisions: the conflict stays a conflict, the handed-over revision stays stored', async () => {
    const { db } = server.services;
    const state = async () => ({
      accepted: (await db.selectFrom('accepted_revisions').select(['audit_id', 'seal_hash', 'signer']).orderBy('audit_id').execute()),
      conflicts: (await db.selectFrom('conflicts').select(['audit_id', 'incoming_hash']).orderBy('audit_id').orderBy('incoming_hash').execute()).length,
    });
    const before = await state();
    const report = await reindex(server.services);
    expect(report.damaged).toEqual([]);
    const after = await state();
    expect(after.accepted).toEqual(before.accepted);
    // Each refused upload is a receipt and is refused again: a conflict row each, as when it arrived.
    expect(after.conflicts).toBeGreaterThan(0);
    expect(after.conflicts).toBe(before.conflicts);
  });
});
