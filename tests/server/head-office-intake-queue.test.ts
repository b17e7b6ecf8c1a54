import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SealSigner } from '../../src/domain/index';
import { conflictListSchema, heldListSchema } from '../../src/domain/wire';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { nodeSigner } from '../support/sealed-audit';
import { BACKENDS, useBackend } from './support/backends';
import { signedInAs, type SignedIn } from './support/sessions';
import { enrol, freshAudit, getJson, postAudit, putFixtureImages, seal } from './support/uploads';

// Head office's 待确认 and conflicts, read from the server: what the dashboard's panels show now that the
// browser keeps no held list of its own.
describe.each(BACKENDS)('GET /api/head-office/held and /conflicts, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let url: string;
  let admin: SignedIn;
  let auditor: SignedIn;
  let tablet: SealSigner;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    url = server.url;
    admin = await signedInAs(server, 'admin');
    auditor = await signedInAs(server, 'auditor');
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet, '王小明');
    await putFixtureImages(admin);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('lists nothing before anything is held or refused', async () => {
    const held = await getJson(`${url}/api/head-office/held`, admin);
    const conflicts = await getJson(`${url}/api/head-office/conflicts`, admin);
    expect([held.status, held.body, conflicts.status, conflicts.body]).toEqual([200, { held: [] }, 200, { conflicts: [] }]);
  });

  it('shows an audit held for an unknown key, with the reason and an unnamed signer', async () => {
    const stranger = await nodeSigner();
    const envelope = await seal(freshAudit(), stranger);
    expect((await postAudit(admin, envelope)).status).toBe(202);
    const answer = await getJson(`${url}/api/head-office/held`, admin);
    expect(answer.status).toBe(200);
    const { held } = heldListSchema.parse(answer.body);
    expect(held.map((h) => [h.auditId, h.sealHash, h.reason, h.revision, h.signer.deviceLabel, h.signer.auditor, h.signer.revoked])).toEqual([
      [envelope.payload.audit.id, envelope.hash, 'unknown-key', 1, null, null, false],
    ]);
    expect(held[0]?.source).toContain(admin.username);
  });

  it('shows a refused second seal beside the one stored, its signer named by the register', async () => {
    const audit = freshAudit({ site: '万科城管理处' });
    const first = await seal(audit, tablet);
    expect((await postAudit(admin, first)).status).toBe(201);
    const second = await seal({ ...audit, answers: audit.answers.map((a, i) => (i === 0 ? { ...a, note: '改过的备注' } : a)) }, tablet);
    expect((await postAudit(admin, second)).status).toBe(409);
    const answer = await getJson(`${url}/api/head-office/conflicts`, admin);
    expect(answer.status).toBe(200);
    const { conflicts } = conflictListSchema.parse(answer.body);
    expect(conflicts.map((c) => [c.auditId, c.siteName, c.incomingHash, c.existing.hash, c.incomingSigner.auditor])).toEqual([
      [audit.id, '万科城管理处', second.hash, first.hash, '王小明'],
    ]);
  });

  it('answers an auditor 403 and nobody signed in 401, with no list in the body', async () => {
    for (const path of ['/api/head-office/held', '/api/head-office/conflicts']) {
      const asAuditor = await getJson(`${url}${path}`, auditor);
      const asNobody = await getJson(`${url}${path}`);
      expect([asAuditor.status, asNobody.status]).toEqual([403, 401]);
      expect(JSON.stringify(asAuditor.body)).not.toContain('unknown-key');
    }
  });
});
