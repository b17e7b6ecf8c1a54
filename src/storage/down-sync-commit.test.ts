import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRubric, rubricFingerprint, type Rubric } from '../domain/index';
import { AuditStore, type NewAudit } from './audit-store';
import { DuchaDb } from './db';
import { commitDownSync, type DownSyncAnswer } from './down-sync-commit';
import { readDownSyncState } from './down-sync-state';
import { PUBLIC_URL_SETTING, publicUrlIn } from './public-url-setting';
import { saveServerLink, type ServerLink } from './server-link';
import { markProposalSent, unsentProposals } from './server-sites';

function shippedRubric(id: string): Rubric {
  const result = parseRubric(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rubrics', `${id}.json`), 'utf8')));
  if (!result.ok) throw new Error(id);
  return result.value;
}
const kf02 = shippedRubric('KF02');
const kf02v2: Rubric = { ...kf02, title: `${kf02.title}(2027 版)` };
const kf02v3: Rubric = { ...kf02, title: `${kf02.title}(2028 版)` };
const shipped = [{ rubric: kf02, fingerprint: rubricFingerprint(kf02) }];

const link: ServerLink = {
  version: 1,
  serverUrl: 'https://ducha.example',
  session: { userId: 7, username: 'wang', displayName: '王小明', role: 'auditor', siteKeys: [], expiresAt: '2026-12-31T00:00:00.000Z' },
  signedInAt: '2026-12-01T08:00:00.000Z',
  enrolledKeyId: null,
};

let dbName: string;
let tick: number;
const clock = () => new Date(Date.UTC(2026, 11, 1, 9, 0, tick++)).toISOString();
let ids: number;
const newId = () => `00000000-0000-4000-8000-${String(ids++).padStart(12, '0')}`;
const open = () => new AuditStore(new DuchaDb(dbName), clock, newId);

const published = (rubric: unknown, fingerprint: string, changeSeq: number) => ({
  fingerprint,
  rubricId: 'KF02',
  title: '督办记录表',
  publishedAt: `2026-12-0${changeSeq}T00:00:00.000Z`,
  publishedBy: 'admin1',
  changeSeq,
  rubric,
});
const site = (code: string, name: string, changeSeq: number, active = true) => ({
  code,
  siteKey: `code:${code}`,
  name,
  region: '华南',
  manager: null,
  active,
  updatedAt: '2026-12-01T00:00:00.000Z',
  changeSeq,
});
const answer = (over: Partial<DownSyncAnswer>): DownSyncAnswer => ({ cursor: 1, rubrics: [], sites: [], proposals: [], ...over });
const audit = (over: Partial<NewAudit>): NewAudit => ({
  rubric: kf02,
  site: { name: '本机单位' },
  auditor: '王小明',
  auditedAt: '2026-12-01T09:00:00.000Z',
  mode: 'covert',
  ...over,
});

beforeEach(() => {
  dbName = `ducha-downsync-${Math.random().toString(36).slice(2)}`;
  tick = 0;
  ids = 1;
});
afterEach(async () => {
  await Dexie.delete(dbName);
});

describe('down-sync storage', () => {
  it('keeps the public address head office gives, for sheets made offline; follows it when it goes; refuses one a QR code could be turned with', async () => {
    const store = open();
    await saveServerLink(store.context, link);
    const stored = async () => publicUrlIn(await store.getSetting(PUBLIC_URL_SETTING));
    expect(await stored()).toBeUndefined();
    await commitDownSync(store.context, link, 0, answer({ cursor: 1, publicUrl: 'https://ducha.example.cn' }), undefined);
    expect(await stored()).toBe('https://ducha.example.cn');
    expect(await store.getSetting(PUBLIC_URL_SETTING)).toEqual({ version: 1, serverUrl: link.serverUrl, publicUrl: 'https://ducha.example.cn' });
    // Head office dropped the setting: the next answer has none, and sheets name no page.
    await commitDownSync(store.context, link, 1, answer({ cursor: 1 }), undefined);
    expect(await stored()).toBeUndefined();
    for (const [since, hostile] of [[1, 'https://ducha.example.cn/?next=https://evil.example'], [1, 'javascript:alert(1)']] as const) {
      await commitDownSync(store.context, link, since, answer({ cursor: 1, publicUrl: hostile }), undefined);
      expect({ hostile, stored: await stored() }).toEqual({ hostile, stored: undefined });
    }
  });

  it('uses the newest published version for new audits, keeps old versions, and drafts keep theirs', async () => {
    const store = open();
    await saveServerLink(store.context, link);
    const v2 = rubricFingerprint(kf02v2);
    expect(await commitDownSync(store.context, link, 0, answer({ cursor: 3, rubrics: [published(kf02v2, v2, 3)] }), '"e1"')).toEqual({
      kind: 'committed', rubrics: 1, sites: 0, decisions: 0, unusable: 0,
    });
    const [choice] = await store.listRubricChoices(shipped);
    expect([choice?.fingerprint, choice?.rubric.title, choice?.publishedAt]).toEqual([v2, kf02v2.title, '2026-12-03T00:00:00.000Z']);
    const draft = await store.createAudit(audit({ rubric: kf02v2 }));

    const v3 = rubricFingerprint(kf02v3);
    await commitDownSync(store.context, link, 3, answer({ cursor: 5, rubrics: [published(kf02v3, v3, 5)] }), undefined);
    expect((await store.listRubricChoices(shipped)).map((c) => c.fingerprint)).toEqual([v3]);
    // The draft still reads and scores against the version it started with.
    expect((await store.getHeader(draft.id))?.rubricFingerprint).toBe(v2);
    expect((await store.getRubric(v2)).title).toBe(kf02v2.title);
    expect((await store.db.rubrics.toArray()).map((r) => r.fingerprint).sort()).toEqual([v2, v3].sort());
  });

  it('keeps a version this app cannot score out of the picker and says why, without losing the rest of the answer', async () => {
    const store = open();
    await saveServerLink(store.context, link);
    const future = { ...kf02, version: 3, title: '未来格式' };
    const wrongPrint = `sha256:${'0'.repeat(64)}`;
    const outcome = await commitDownSync(
      store.context,
      link,
      0,
      answer({
        cursor: 4,
        rubrics: [published(future, `sha256:${'1'.repeat(64)}`, 2), published(kf02v2, wrongPrint, 3)],
        sites: [site('SZ01', '深圳一处', 4)],
      }),
      undefined,
    );
    expect(outcome).toEqual({ kind: 'committed', rubrics: 0, sites: 1, decisions: 0, unusable: 2 });
    expect((await store.listRubricChoices(shipped)).map((c) => c.fingerprint)).toEqual([shipped[0]?.fingerprint]);
    const state = await readDownSyncState(store.context, link);
    expect(state?.unusableRubrics.map((u) => u.fingerprint)).toEqual([`sha256:${'1'.repeat(64)}`, wrongPrint]);
    expect(state?.unusableRubrics[0]?.reason).toMatch(/^version: /);
    expect(state?.unusableRubrics[1]?.reason).toBe(`fingerprint ${rubricFingerprint(kf02v2)} ≠ ${wrongPrint}`);
    expect(await store.db.rubrics.count()).toBe(0);
    expect((await store.listSiteChoices()).map((c) => c.name)).toEqual(['深圳一处']);
  });

  it('offers the server’s active sites first; a retired one leaves the picker and audits naming it stay as they were', async () => {
    const store = open();
    await store.createAudit(audit({ site: { name: '旧单位', code: 'OLD-1' } }));
    await saveServerLink(store.context, link);
    await commitDownSync(store.context, link, 0, answer({ cursor: 2, sites: [site('SZ01', '深圳一处', 1), site('GZ02', '广州二处', 2)] }), undefined);
    const choices = await store.listSiteChoices();
    expect(choices.map((c) => [c.group, c.name, c.code, c.site.id])).toEqual([
      ['server', '广州二处', 'GZ02', 'server:GZ02'],
      ['server', '深圳一处', 'SZ01', 'server:SZ01'],
      ['local', '旧单位', 'OLD-1', '00000000-0000-4000-8000-000000000001'],
    ]);
    const sz = choices[1]?.site;
    if (!sz) throw new Error('no SZ01');
    const used = await store.createAudit(audit({ site: sz }));
    // Using a server site keeps what the server said of it (and moves it to the top of its group).
    expect((await store.listSiteChoices()).map((c) => c.code)).toEqual(['SZ01', 'GZ02', 'OLD-1']);

    await commitDownSync(store.context, link, 2, answer({ cursor: 3, sites: [site('SZ01', '深圳一处', 3, false)] }), undefined);
    expect((await store.listSiteChoices()).map((c) => c.code)).toEqual(['GZ02', 'OLD-1']);
    expect((await store.getHeader(used.id))?.site).toEqual({ id: 'server:SZ01', name: '深圳一处', code: 'SZ01', region: '华南' });
  });

  it('stores the cursor with the answer, and an ETag only for the same `since`; a stale answer writes nothing', async () => {
    const store = open();
    await saveServerLink(store.context, link);
    await commitDownSync(store.context, link, 0, answer({ cursor: 4, sites: [site('SZ01', '深圳一处', 4)] }), '"sync-0-4"');
    expect(await readDownSyncState(store.context, link)).toMatchObject({ cursor: 4, etag: null });
    await commitDownSync(store.context, link, 4, answer({ cursor: 4 }), '"sync-4-4"');
    expect(await readDownSyncState(store.context, link)).toMatchObject({ cursor: 4, etag: '"sync-4-4"' });

    // Another run already moved the cursor: this answer (to since 0) is dropped whole.
    expect(await commitDownSync(store.context, link, 0, answer({ cursor: 9, sites: [site('XX', '不该出现', 9)] }), undefined)).toEqual({ kind: 'stale' });
    // Signed in as someone else meanwhile: dropped too.
    const other: ServerLink = { ...link, session: { ...link.session, username: 'li' } };
    await saveServerLink(store.context, other);
    expect(await commitDownSync(store.context, link, 4, answer({ cursor: 9, sites: [site('XX', '不该出现', 9)] }), undefined)).toEqual({ kind: 'stale' });
    expect(await store.db.sites.get('server:XX')).toBeUndefined();
    // The new user starts from the beginning of the feed.
    expect(await readDownSyncState(store.context, other)).toBeUndefined();
  });

  it('makes a site added while linked a proposal, and points it at the server’s site once accepted or merged', async () => {
    const store = open();
    const offline = await store.createAudit(audit({ site: { name: '离线前的单位' } }));
    await saveServerLink(store.context, link);
    await commitDownSync(store.context, link, 0, answer({ cursor: 1, sites: [site('SZ01', '深圳一处', 1)] }), undefined);
    const first = await store.createAudit(audit({ site: { name: '新增甲', region: '华东' } }));
    const second = await store.createAudit(audit({ site: { name: '新增乙' } }));
    expect((await unsentProposals(store.context)).map((r) => [r.id, r.name, r.region])).toEqual([
      [first.site.id, '新增甲', '华东'],
      [second.site.id, '新增乙', undefined],
    ]);
    expect((await store.listSiteChoices()).find((c) => c.id === offline.site.id)?.group).toBe('local');

    await markProposalSent(store.context, first.site.id, { status: 'pending', siteCode: null, message: null });
    await markProposalSent(store.context, second.site.id, { status: 'pending', siteCode: null, message: null });
    expect(await unsentProposals(store.context)).toEqual([]);
    const decision = (id: string, status: 'accepted' | 'merged', siteCode: string, changeSeq: number) => ({
      id, name: '', region: '', code: null, proposedBy: 'wang', proposedAt: '2026-12-01T09:00:00.000Z',
      status, siteCode, decidedAt: '2026-12-02T00:00:00.000Z', decidedBy: 'admin1', changeSeq,
    });
    const outcome = await commitDownSync(
      store.context,
      link,
      1,
      answer({
        cursor: 3,
        sites: [site('HZ09', '杭州九处', 2)],
        proposals: [decision(first.site.id, 'accepted', 'HZ09', 2), decision(second.site.id, 'merged', 'SZ01', 3)],
      }),
      undefined,
    );
    expect(outcome).toMatchObject({ kind: 'committed', decisions: 2 });
    const choices = await store.listSiteChoices();
    const accepted = choices.find((c) => c.id === first.site.id);
    const merged = choices.find((c) => c.id === second.site.id);
    expect([accepted?.proposal?.status, accepted?.site]).toEqual(['accepted', { id: 'server:HZ09', name: '杭州九处', code: 'HZ09', region: '华南' }]);
    expect([merged?.proposal?.status, merged?.targetName, merged?.site.code]).toEqual(['merged', '深圳一处', 'SZ01']);
    // Audits made before keep the site they recorded.
    expect((await store.getHeader(second.id))?.site).toEqual({ id: second.site.id, name: '新增乙' });
  });

  it('leaves a new site the tablet’s own when it is not linked to a server', async () => {
    const store = open();
    await store.createAudit(audit({ site: { name: '独立单位' } }));
    expect(await unsentProposals(store.context)).toEqual([]);
    expect((await store.listSiteChoices()).map((c) => [c.group, c.name, c.proposal])).toEqual([['local', '独立单位', undefined]]);
  });
});
