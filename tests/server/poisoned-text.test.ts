import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { SealSigner } from '../../src/domain/index';
import { ingestAudit } from '../../src/server/intake/ingest-audit';
import { reindex } from '../../src/server/intake/reindex';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { imagesOf, nodeSigner } from '../support/sealed-audit';
import { bundleOf, entryOf, getAt, setAt, signPayload } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { addUser, signIn, type SignedIn } from './support/sessions';
import { enrol, freshAudit, postAudit, putFixtureImages, seal } from './support/uploads';

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/**
 * A sealed audit whose first note holds `note`, genuinely signed by the enrolled tablet: the tablet's own
 * schema refuses such a note now, so the payload is edited after sealing and signed again, as an older app
 * (or a hand-made upload) would have sent it.
 */
async function sealedWithNote(tablet: SealSigner, note: string) {
  const envelope = structuredClone(await seal(freshAudit(), tablet));
  setAt(envelope.payload, ['audit', 'answers', 0, 'note'], note);
  return signPayload(envelope.payload, tablet);
}

describe.each(BACKENDS)('text the database cannot hold is refused at intake, and reindex survives it, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let auditor: SignedIn;
  let tablet: SealSigner;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    const account = await addUser(server.services.db, 'auditor', { displayName: '王小明' });
    tablet = await nodeSigner();
    await enrol(server.services.db, tablet, '王小明', account.userId);
    auditor = await signIn(server.url, account.username);
    await putFixtureImages(auditor);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['a NUL', '前台\u0000无人'],
    ['an escape', '\u001b[2J'],
    ['a lone surrogate', '半个\ud800字'],
  ])('answers a sealed audit with %s in a note 422 naming the note, on every retry, and writes no receipt', async (_what, note) => {
    const envelope = await sealedWithNote(tablet, note);
    const before = (await server.services.receipts.list()).receipts.length;
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await postAudit(auditor, envelope);
      // On the old code: 500 on every attempt, each leaving one more receipt behind.
      expect(answer.status).toBe(422);
      expect(getAt(answer.body, ['error', 'code'])).toBe('malformed');
      expect(getAt(answer.body, ['error', 'path'])).toBe('payload.audit.answers[0].note');
      expect(String(getAt(answer.body, ['error', 'message']))).toContain('控制字符');
    }
    expect((await server.services.receipts.list()).receipts.length).toBe(before);
    expect(await server.services.db.selectFrom('accepted_revisions').select('audit_id').where('audit_id', '=', String(getAt(envelope.payload, ['audit', 'id']))).execute()).toEqual([]);
  });

  it('refuses the same audit inside a bundle, and takes the bundle’s other audit', async () => {
    const poisoned = await sealedWithNote(tablet, 'a\u0000b');
    const good = await seal(freshAudit(), tablet);
    const response = await fetch(`${server.url}/api/bundles`, {
      method: 'POST',
      headers: { ...auditor.headers, 'content-type': 'application/json' },
      body: JSON.stringify(bundleOf([entryOf(poisoned), entryOf(good)])),
    });
    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    expect(getAt(body, ['audits', 0, 'status'])).toBe('refused');
    expect(String(getAt(body, ['audits', 0, 'message']))).toContain('note');
    expect(getAt(body, ['audits', 1, 'status'])).toBe('stored');
  });
});

describe.each(BACKENDS)('reindex skips and reports a receipt it cannot take, on %s', (backendName) => {
  const backend = useBackend(backendName);

  it('rebuilds every other audit when one receipt holds a NUL note (as an older server acknowledged it)', async () => {
    const server = await startServer(await backend.freshConfig(), { logger: false });
    try {
      const { services } = server;
      for (const bytes of imagesOf().values()) await services.blobs.put(bytes);
      const tablet = await nodeSigner();
      await enrol(services.db, tablet, '王小明');
      const before = await seal(freshAudit(), tablet);
      expect((await ingestAudit(services, bytesOf(before), 'test upload')).kind).toBe('stored');
      // What the old code left behind: the envelope and its receipt, written before the database refused it.
      const poisoned = await sealedWithNote(tablet, '前台\u0000无人');
      const { sha256 } = await services.blobs.put(bytesOf(poisoned));
      await services.receipts.record({ version: 1, envelopeSha256: sha256, receivedAt: new Date().toISOString(), source: 'older server' });
      const after = await seal(freshAudit(), tablet);
      expect((await ingestAudit(services, bytesOf(after), 'test upload')).kind).toBe('stored');

      // On the old code this threw (the database refused the NUL and the whole rebuild was rolled back).
      const report = await reindex(services);
      expect(report.receipts).toBe(3);
      expect(report.accepted).toBe(2);
      expect(report.refused).toBe(1);
      expect(report.skipped).toHaveLength(1);
      expect(report.skipped[0]).toContain(sha256);
      expect(report.skipped[0]).toContain('payload.audit.answers[0].note');
      const ids = (await services.db.selectFrom('accepted_revisions').select('audit_id').orderBy('audit_id').execute()).map((r) => r.audit_id);
      expect(ids).toEqual([before.payload.audit.id, after.payload.audit.id].sort());
    } finally {
      await server.close();
    }
  }, 120_000);

  it('rolls back only the receipt the database refuses, and goes on with the rest', async () => {
    const server = await startServer(await backend.freshConfig(), { logger: false });
    try {
      const { services } = server;
      for (const bytes of imagesOf().values()) await services.blobs.put(bytes);
      const tablet = await nodeSigner();
      await enrol(services.db, tablet, '王小明');
      const refusedSite = '数据库不收的管理处';
      const envelopes = [await seal(freshAudit(), tablet), await seal(freshAudit({ site: refusedSite }), tablet), await seal(freshAudit(), tablet)];
      for (const envelope of envelopes) expect((await ingestAudit(services, bytesOf(envelope), 'test upload')).kind).toBe('stored');
      // A refusal the schemas cannot foresee (a constraint, a full disk): a trigger that fails this one site.
      await sql`create function refuse_one_site() returns trigger language plpgsql as $$
        begin
          if new.site_name = ${sql.lit(refusedSite)} then raise exception 'refused by the test trigger'; end if;
          return new;
        end $$`.execute(services.db);
      await sql`create trigger refuse_one_site before insert on accepted_revisions for each row execute function refuse_one_site()`.execute(services.db);

      const report = await reindex(services);
      expect(report.receipts).toBe(3);
      expect(report.accepted).toBe(2);
      expect(report.skipped).toHaveLength(1);
      expect(report.skipped[0]).toContain('refused by the test trigger');
      const sites = (await services.db.selectFrom('accepted_revisions').select('site_name').execute()).map((r) => r.site_name);
      expect(sites).not.toContain(refusedSite);
      expect(sites).toHaveLength(2);
    } finally {
      await server.close();
    }
  }, 120_000);
});
