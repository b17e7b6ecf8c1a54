import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRubric } from '../../domain/index';
import { AuditStore } from '../../storage/audit-store';
import { DuchaDb } from '../../storage/db';
import { readDownSyncState } from '../../storage/down-sync-state';
import { saveServerLink, type ServerLink } from '../../storage/server-link';
import { unsentProposals } from '../../storage/server-sites';
import { runDownSync } from './down-sync';

const link: ServerLink = {
  version: 1,
  serverUrl: 'https://ducha.example',
  session: { userId: 7, username: 'wang', displayName: '王小明', role: 'auditor', siteKeys: [], expiresAt: '2026-12-31T00:00:00.000Z' },
  signedInAt: '2026-12-01T08:00:00.000Z',
  enrolledKeyId: null,
};

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly ifNoneMatch: string | null;
  readonly body: unknown;
}

/** A stand-in server: answers each request with the next scripted answer and records what was asked. */
function fakeServer(answers: readonly (() => Response)[]) {
  const seen: Seen[] = [];
  let next = 0;
  vi.stubGlobal('fetch', (url: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    seen.push({
      method: init.method ?? 'GET',
      url,
      ifNoneMatch: headers.get('if-none-match'),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const answer = answers[next++];
    return answer ? Promise.resolve(answer()) : Promise.reject(new TypeError('Failed to fetch'));
  });
  return seen;
}
const json = (status: number, body: unknown, etag?: string) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...(etag ? { etag } : {}) } });
const notModified = () => new Response(null, { status: 304 });
const empty = (cursor: number) => ({ cursor, rubrics: [], sites: [], proposals: [] });

let store: AuditStore;
beforeEach(() => {
  store = new AuditStore(new DuchaDb(`ducha-run-${Math.random().toString(36).slice(2)}`));
});
afterEach(async () => {
  vi.unstubAllGlobals();
  store.db.close();
  await Dexie.delete(store.db.name);
});

describe('runDownSync', () => {
  it('does nothing without a server link', async () => {
    const seen = fakeServer([]);
    expect(await runDownSync(store.context)).toEqual({ kind: 'not-linked' });
    expect(seen).toEqual([]);
  });

  it('asks from the stored cursor, sends the ETag only for that same cursor, and takes a 304 as nothing new', async () => {
    await saveServerLink(store.context, link);
    const seen = fakeServer([json(200, empty(6), '"sync-0-6"'), json(200, empty(6), '"sync-6-6"'), notModified]);
    expect(await runDownSync(store.context)).toMatchObject({ kind: 'updated', sites: 0 });
    expect(await runDownSync(store.context)).toMatchObject({ kind: 'updated' });
    expect(await runDownSync(store.context)).toEqual({ kind: 'unchanged', proposalsSent: 0 });
    expect(seen.map((s) => [s.method, s.url, s.ifNoneMatch])).toEqual([
      ['GET', 'https://ducha.example/api/sync?since=0', null],
      ['GET', 'https://ducha.example/api/sync?since=6', null],
      ['GET', 'https://ducha.example/api/sync?since=6', '"sync-6-6"'],
    ]);
    expect((await readDownSyncState(store.context, link))?.cursor).toBe(6);
  });

  it('sends each site added while linked as a proposal with the tablet’s id, and keeps it unsent while offline', async () => {
    await saveServerLink(store.context, link);
    const rubric = parseRubric(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'rubrics', 'KF02.json'), 'utf8')));
    if (!rubric.ok) throw new Error('KF02');
    const created = await store.createAudit({
      rubric: rubric.value,
      site: { name: '新增甲', region: '华东', code: 'HZ-1' },
      auditor: '王小明',
      auditedAt: '2026-12-01T09:00:00.000Z',
      mode: 'covert',
    });
    const id = created.site.id;

    let seen = fakeServer([]);
    expect(await runDownSync(store.context)).toMatchObject({ kind: 'failed', proposalsSent: 0, failure: { kind: 'offline' } });
    expect((await unsentProposals(store.context)).map((r) => r.id)).toEqual([id]);

    const receipt = {
      status: 'recorded',
      proposal: {
        id, name: '新增甲', region: '华东', code: 'HZ-1', proposedBy: 'wang', proposedAt: '2026-12-01T09:00:00.000Z',
        status: 'pending', siteCode: null, decidedAt: null, decidedBy: null, changeSeq: 3,
      },
    };
    seen = fakeServer([json(201, receipt), notModified]);
    expect(await runDownSync(store.context)).toMatchObject({ proposalsSent: 1 });
    expect(seen[0]).toEqual({
      method: 'POST',
      url: 'https://ducha.example/api/site-proposals',
      ifNoneMatch: null,
      body: { id, name: '新增甲', region: '华东', code: 'HZ-1' },
    });
    expect(await unsentProposals(store.context)).toEqual([]);
    expect((await store.listSiteChoices()).map((c) => [c.name, c.proposal?.status])).toEqual([['新增甲', 'pending']]);
  });

  it('keeps a proposal the server refuses (with its reason) and does not send it again', async () => {
    await saveServerLink(store.context, link);
    await store.context.db.sites.put({
      id: '00000000-0000-4000-8000-000000000009',
      name: '重复',
      lastUsedAt: '2026-12-01T09:00:00.000Z',
      proposal: { version: 1, status: 'unsent', siteCode: null, sentAt: null, decidedAt: null, message: null },
    });
    fakeServer([json(409, { error: { code: 'conflict', message: '提议冲突: id: 此编号已由其他用户提议' } }), notModified]);
    await runDownSync(store.context);
    const [choice] = await store.listSiteChoices();
    expect([choice?.proposal?.status, choice?.proposal?.message]).toEqual(['refused', '提议冲突: id: 此编号已由其他用户提议']);
    const seen = fakeServer([notModified]);
    await runDownSync(store.context);
    expect(seen.map((s) => s.method)).toEqual(['GET']);
  });
});
