import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeviceKeyFile, sha256Hex, type SealSigner } from '../../src/domain/index';
import { API_ROUTES, fastifyPathOf, type ApiRouteDoc } from '../../src/server/http/api-routes';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { renderSealedSheet } from '../../src/report/sealed-sheet';
import { shippedMonthlyDefinition } from '../../src/server/ranking/ranking-definitions';
import { figuresCsvText, FIGURE_ROWS, MONTH, SITES } from '../fixtures/kpi-ranking/fairness-month';
import { imagesOf, nodeSigner, photoRed, subsetFont } from '../support/sealed-audit';
import { bundleOf, entryOf, setAt, signPayload } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { HOSTILE_CURSORS, HOSTILE_JSON, HOSTILE_STRINGS, sample, seededRandom } from './support/hostile-values';
import { addUser, signIn, type ApiClient } from './support/sessions';
import { call, enrol, freshAudit, kf01, postAudit, putFixtureImages, seal } from './support/uploads';

/** Fixed: a failure names a request that the next run sends again. */
const SEED = 19;
const ROLES = ['anonymous', 'admin', 'auditor', 'site-manager'] as const;
type Role = (typeof ROLES)[number];
/** Hostile requests per route and role, beyond the valid one; the admin gets furthest into each handler. */
const PER_ROLE: Readonly<Record<Role, number>> = { anonymous: 3, admin: 24, auditor: 8, 'site-manager': 4 };

interface Context {
  readonly tablet: SealSigner;
  readonly auditId: string;
  readonly sacrificialUserId: number;
  /** Sites are a site manager's: the signed-in one's, set to what they already are. */
  readonly managerUserId: number;
  readonly keyId: string;
  readonly proposalId: string;
  readonly envelope: { readonly payload: unknown; readonly hash: string; readonly signature: string };
  /** The envelope's score sheet, as the verification page uploads it. */
  readonly sheet: Uint8Array;
}

/** A valid request to a route, which the fuzzer then spoils one part at a time. */
interface Base {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly raw?: { readonly contentType: string; readonly bytes: Uint8Array };
  /**
   * The body is a sealed envelope (true), or holds one under `envelope`: a spoiled payload is signed again by the
   * enrolled tablet, so it gets past the seal check.
   */
  readonly reseal?: true | 'envelope';
  /** Whole requests the generic spoiling cannot make (e.g. a validly signed key file with a hostile label). */
  readonly extra?: () => Promise<readonly Spoiled[]>;
}

interface Spoiled {
  readonly label: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: string;
  readonly body?: { readonly contentType: string; readonly data: string | Uint8Array };
}

const keyFileWith = async (deviceLabel: string, auditor: string) => {
  const file = await makeDeviceKeyFile(await nodeSigner(), { deviceLabel, auditor, createdAt: '2026-11-01T00:00:00.000Z' });
  return file.ok ? file.value : undefined;
};

/**
 * Every route of API_ROUTES with a valid request: a route added without an entry here does not compile, so
 * it is fuzzed from the day it exists.
 */
const FUZZ: Readonly<Record<keyof typeof API_ROUTES, (c: Context) => Base>> = {
  health: () => ({}),
  openapi: () => ({}),
  putImage: () => ({ params: { sha256: sha256Hex(photoRed) }, raw: { contentType: 'image/jpeg', bytes: photoRed } }),
  getImage: () => ({ params: { sha256: sha256Hex(photoRed) } }),
  postAudit: (c) => ({ json: c.envelope, reseal: true }),
  listAudits: () => ({ query: { limit: '5', site: 'code:A1', rubricId: 'KF01', from: '2026-01-01T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' } }),
  getAudit: (c) => ({ params: { id: c.auditId } }),
  getAuditEnvelope: (c) => ({ params: { id: c.auditId } }),
  postBundle: (c) => ({ json: bundleOf([entryOf(c.envelope)]) }),
  backup: () => ({}),
  sync: () => ({ query: { since: '0' } }),
  listSites: () => ({ query: { since: '0' } }),
  putSite: () => ({ params: { code: 'A1' }, json: { name: '碧桂园凤凰城管理处', region: '华南', manager: '李国强', active: true } }),
  listRubrics: () => ({ query: { since: '0' } }),
  getRubric: () => ({ params: { fingerprint: `sha256:${'0'.repeat(64)}` } }),
  publishRubric: () => ({ json: kf01 }),
  proposeSite: () => ({ json: { id: randomUUID(), name: '新管理处', region: '华东', code: 'N1' } }),
  listSiteProposals: () => ({ query: { status: 'all' } }),
  decideSiteProposal: (c) => ({ params: { id: c.proposalId }, json: { decision: 'accept', code: 'N1', name: '新管理处', region: '华东', manager: null } }),
  headOfficeRanking: () => ({ query: { rubricId: 'KF01', from: '2026-01-01T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00', bottomN: '3' } }),
  headOfficeTrend: () => ({ query: { rubricId: 'KF01', site: 'code:A1', region: '华南', auditor: '王小明' } }),
  headOfficeHeatMap: () => ({ query: { rubricId: 'KF01', siteKey: 'code:A1', from: '2026-01-01T00:00:00Z' } }),
  headOfficeDrillDown: () => ({ query: { rubricId: 'KF01', site: 'code:A1', item: '1' } }),
  headOfficeAuditsCsv: () => ({ query: { rubricId: 'KF01', tz: 'Asia/Shanghai', to: '2026-12-31T00:00:00Z' } }),
  headOfficeUnitsCsv: () => ({ query: { rubricId: 'KF01', tz: 'Asia/Shanghai', region: '华南' } }),
  headOfficeFilterOptions: () => ({ query: { rubricId: 'KF01' } }),
  login: () => ({ json: { username: 'nobody', password: 'wrong password' } }),
  whoAmI: () => ({}),
  logout: () => ({}),
  listUsers: () => ({}),
  createUser: () => ({ json: { username: 'fuzzed', displayName: '新用户', role: 'site-manager', password: 'a long enough password', siteKeys: ['code:A1'] } }),
  disableUser: (c) => ({ params: { id: String(c.sacrificialUserId) } }),
  resetPassword: (c) => ({ params: { id: String(c.sacrificialUserId) }, json: { password: 'another long password' } }),
  setUserSites: (c) => ({ params: { id: String(c.managerUserId) }, json: { siteKeys: ['code:A1'] } }),
  enrolDevice: () => ({
    json: { keyFile: {} },
    extra: async () => {
      const bodies = [];
      for (const text of ['a\u0000b', '\u0001', '\ud800', 'x'.repeat(5000)]) {
        bodies.push({ deviceLabel: text, auditor: '王小明' }, { deviceLabel: '平板', auditor: text });
      }
      const spoiled: Spoiled[] = [];
      for (const { deviceLabel, auditor } of bodies) {
        const keyFile = await keyFileWith(deviceLabel, auditor);
        if (keyFile) spoiled.push({ label: `key file labelled ${JSON.stringify([deviceLabel.slice(0, 20), auditor.slice(0, 20)])}`, body: json({ keyFile }) });
      }
      return spoiled;
    },
  }),
  listDevices: () => ({}),
  revokeDevice: (c) => ({ params: { keyId: c.keyId }, json: { reason: '平板遗失' } }),
  auditLog: () => ({ query: { action: 'sign-in-failed', limit: '5' } }),
  enrolmentChallenge: () => ({}),
  handOverAudit: (c) => ({
    params: { id: c.auditId },
    json: { toUserId: c.sacrificialUserId, reason: '原稽核员离职' },
    // The reason is stored and the id looked up: every role gets these, not only the ones the sample picks.
    extra: () =>
      Promise.resolve(
        [
          { toUserId: c.sacrificialUserId, reason: 'a\u0000b' },
          { toUserId: c.sacrificialUserId, reason: 'x\udfffy' },
          { toUserId: 2 ** 31, reason: '原稽核员离职' },
          { toUserId: Number.MAX_SAFE_INTEGER + 2, reason: '原稽核员离职' },
        ].map((body) => ({ label: `hand-over ${short(body)}`, body: json(body) })),
      ),
  }),
  verifySheet: (c) => ({ raw: { contentType: 'application/pdf', bytes: c.sheet } }),
  verifySeal: (c) => ({ json: { envelope: c.envelope }, reseal: 'envelope' }),
  headOfficeHeld: () => ({}),
  headOfficeConflicts: () => ({}),
  listRankingDefinitions: () => ({}),
  publishRankingDefinition: () => ({ json: { ...shippedMonthlyDefinition(), id: 'fuzzed', title: '模糊测试排名' } }),
  uploadKpiFigures: () => ({
    query: { fileName: '指标-2026-11.csv' },
    raw: { contentType: 'text/csv', bytes: utf8(figuresCsvText(FIGURE_ROWS.slice(0, 4))) },
    // Each cell of a figures line in turn: the file is text the server decodes, so the spoiling happens inside it.
    extra: () => {
      const spoiled: Spoiled[] = [];
      const [row] = FIGURE_ROWS;
      if (!row) return Promise.resolve(spoiled);
      for (let cell = 0; cell < row.length; cell++) {
        for (const value of CSV_CELL_VALUES) {
          const line = row.map((v, i) => (i === cell ? value : v));
          spoiled.push({ label: `figures cell ${String(cell)}=${short(value)}`, body: { contentType: 'text/csv', data: utf8(figuresCsvText([line])) } });
        }
      }
      const valid = utf8(figuresCsvText(FIGURE_ROWS.slice(0, 4)));
      for (const fileName of ['a\u0000b.csv', 'x\udfffy.csv', 'x'.repeat(5000)])
        spoiled.push({ label: `fileName=${short(fileName)}`, query: queryString({ fileName }), body: { contentType: 'text/csv', data: valid } });
      return Promise.resolve(spoiled);
    },
  }),
  kpiFigureHistory: () => ({ query: { month: MONTH }, extra: monthsAtTheEnds }),
  monthlyRanking: () => ({ query: { month: MONTH }, extra: monthsAtTheEnds }),
  monthlyRankingPdf: () => ({ query: { month: MONTH }, extra: monthsAtTheEnds }),
  monthlyRankingCsv: () => ({ query: { month: MONTH }, extra: monthsAtTheEnds }),
};

/** Months the YYYY-MM pattern lets through at the ends of the calendar: the month's bounds are computed from them. */
const monthsAtTheEnds = (): Promise<readonly Spoiled[]> =>
  Promise.resolve(['0000-01', '0001-01', '1969-12', '9999-12'].map((month) => ({ label: `month ${month}`, query: `month=${month}` })));

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** What goes in one cell of a figures file: the hostile strings a cell can hold (CSV quoting aside), and CSV's own. */
const CSV_CELL_VALUES = [...HOSTILE_STRINGS.filter((v) => !/[",\r\n]/.test(v)), '"a,b"', '"', 'a\u2028b', '=cmd|\'/C calc\'!A0', '-0', '1e-400', '100.001'];

/** Raw bodies that are not what the route reads: broken, truncated, padded, NUL in the middle, not UTF-8, random. */
function rawSpoils(bytes: Uint8Array, random: () => number): readonly { readonly label: string; readonly data: Uint8Array }[] {
  const half = bytes.slice(0, Math.floor(bytes.length / 2));
  const withNul = new Uint8Array([...bytes.slice(0, 16), 0, ...bytes.slice(16)]);
  const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
  const big = new Uint8Array(4 * 1024 * 1024).fill(0x41);
  big.set(bytes.slice(0, Math.min(bytes.length, big.length)));
  return [
    { label: 'raw body truncated in half', data: half },
    { label: 'raw body with a NUL inserted', data: withNul },
    { label: 'raw body not UTF-8 (lone surrogate, overlong, 0xFF)', data: new Uint8Array([0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xff, 0xfe, 0x2c, 0x0a]) },
    { label: 'raw body 4 KiB of seeded noise', data: noise },
    { label: 'raw body padded to 4 MiB', data: big },
    { label: 'raw body with a UTF-8 BOM and nothing else', data: new Uint8Array([0xef, 0xbb, 0xbf]) },
  ];
}

/**
 * Routes whose valid request is refused anyway: login (no such user: signing in is what the login tests do),
 * getRubric (nothing published under that fingerprint), enrolDevice (a key file needs a challenge of the
 * sending session; its labels are attacked by the extras).
 */
const SHALLOW = ['getRubric', 'login', 'enrolDevice'];

const json = (value: unknown) => ({ contentType: 'application/json', data: JSON.stringify(value) });

/** Every leaf of a JSON value with its path (arrays: the first two elements), to depth 8. */
function leavesOf(value: unknown, path: readonly (string | number)[] = []): (readonly (string | number)[])[] {
  if (path.length >= 8) return [path];
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.slice(0, 2).flatMap((v, i) => leavesOf(v, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => leavesOf(v, [...path, k]));
  }
  return [path];
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as the bytes of one: not UTF-8 at all. */
const encode = (text: string): string => encodeURIComponent(text.replace(LONE_SURROGATE, '\uffff')).replaceAll('%EF%BF%BF', '%ED%A0%80');

const queryString = (query: Readonly<Record<string, string>>): string =>
  Object.entries(query)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');

const shapeKeys = (schema: ApiRouteDoc['query']): string[] => (schema ? Object.keys(schema.shape) : []);

/** A spoiled request, made only when it is picked (a rubric has thousands of leaves). */
type Candidate = () => Promise<Spoiled>;
const ready = (spoiled: Spoiled): Candidate => () => Promise.resolve(spoiled);
const short = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value).slice(0, 30));

/** Every spoiled request for one route: each parameter, query field and body leaf in turn, and the body as a whole. */
function spoil(route: ApiRouteDoc, base: Base, context: Context, random: () => number): Candidate[] {
  const out: Candidate[] = [];
  const baseQuery = base.query ?? {};
  for (const key of shapeKeys(route.params)) {
    for (const value of HOSTILE_STRINGS) out.push(ready({ label: `param ${key}=${short(value)}`, params: { ...base.params, [key]: encode(value) } }));
    for (const rawText of ['%00', '%ZZ', '%2e%2e', '..', '%2F', '1%00']) out.push(ready({ label: `param ${key} raw ${rawText}`, params: { ...base.params, [key]: rawText } }));
  }
  for (const key of shapeKeys(route.query)) {
    const values = [...HOSTILE_STRINGS, ...(key === 'cursor' ? HOSTILE_CURSORS : [])];
    for (const value of values) out.push(ready({ label: `query ${key}=${short(value)}`, query: queryString({ ...baseQuery, [key]: value }) }));
    out.push(ready({ label: `query ${key} twice`, query: `${queryString(baseQuery)}&${key}=a&${key}=b` }));
    out.push(ready({ label: `query ${key} raw %00`, query: `${queryString(baseQuery)}&${key}=%00`.replace(/^&/, '') }));
  }
  if (route.query) out.push(ready({ label: 'query with an unknown NUL key', query: `${queryString(baseQuery)}&%00=1` }));
  const baseJson = base.json;
  if (baseJson !== undefined) {
    for (const path of leavesOf(baseJson)) {
      for (const value of HOSTILE_JSON) {
        out.push(async () => {
          let mutated = setAt(structuredClone(baseJson), path, value);
          if (base.reseal === true && path[0] === 'payload' && typeof mutated === 'object' && mutated !== null && 'payload' in mutated)
            mutated = await signPayload(mutated.payload, context.tablet);
          const inner: unknown = typeof mutated === 'object' && mutated !== null && 'envelope' in mutated ? mutated.envelope : undefined;
          if (base.reseal === 'envelope' && path[0] === 'envelope' && path[1] === 'payload' && typeof inner === 'object' && inner !== null && 'payload' in inner)
            mutated = { envelope: await signPayload(inner.payload, context.tablet) };
          return { label: `body ${path.join('.')}=${short(value)}`, body: json(mutated) };
        });
      }
    }
    for (const value of HOSTILE_JSON) out.push(ready({ label: `body as a whole ${short(value)}`, body: json(value) }));
    out.push(ready({ label: 'body not JSON', body: { contentType: 'application/json', data: '{"a":' } }));
    out.push(ready({ label: 'body nested 100000 deep', body: { contentType: 'application/json', data: '['.repeat(100_000) + ']'.repeat(100_000) } }));
    out.push(ready({ label: 'body with a NUL key', body: { contentType: 'application/json', data: '{"\\u0000":1}' } }));
  }
  if (base.raw) {
    const { contentType } = base.raw;
    out.push(ready({ label: 'raw body empty', body: { contentType, data: new Uint8Array() } }));
    out.push(ready({ label: 'raw body NUL bytes', body: { contentType, data: new Uint8Array(64) } }));
    for (const { label, data } of rawSpoils(base.raw.bytes, random)) out.push(ready({ label, body: { contentType, data } }));
  }
  if (route.method !== 'get') out.push(ready({ label: 'body as text/plain', body: { contentType: 'text/plain', data: '\u0000' } }));
  return out;
}

function urlOf(route: ApiRouteDoc, base: Base, spoiled: Spoiled): string {
  const params = { ...base.params, ...spoiled.params };
  const path = fastifyPathOf(route).replace(/:(\w+)/g, (_m, name: string) => params[name] ?? '');
  const query = spoiled.query ?? (base.query ? queryString(base.query) : '');
  return query === '' ? path : `${path}?${query}`;
}

const COUNTED = [
  'users',
  'sites',
  'site_proposals',
  'published_rubrics',
  'device_keys',
  'accepted_revisions',
  'held_entries',
  'conflicts',
  'ranking_definitions',
  'kpi_uploads',
  'kpi_figures',
  'hand_overs',
] as const;

describe.each(BACKENDS)('no input from any role answers 5xx, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let context: Context;
  const clients = new Map<Role, ApiClient>();
  const usernames = new Map<Role, string>();

  /** How many rows each written table has, in one query (it runs around every refused write). */
  const counts = async (): Promise<string> => {
    const row = await sql<{ n: string }>`select concat_ws(' ', ${sql.join(
      COUNTED.map((table) => sql`(select count(*) from ${sql.table(table)})`),
    )}) as n`.execute(server.services.db);
    return row.rows[0]?.n ?? '';
  };

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig({ uploadsPerMinute: 100_000 }), { logger: false, verifyPerMinute: 100_000 });
    const { db } = server.services;
    const admin = await addUser(db, 'admin');
    const auditor = await addUser(db, 'auditor', { displayName: '王小明' });
    const manager = await addUser(db, 'site-manager', { siteKeys: ['code:A1'] });
    const sacrificial = await addUser(db, 'auditor');
    const tablet = await nodeSigner();
    await enrol(db, tablet, '王小明', auditor.userId);
    const auditorClient = await signIn(server.url, auditor.username);
    await putFixtureImages(auditorClient);
    const envelope = await seal(freshAudit(), tablet);
    // Accepted before the fuzzing starts, so that a hand-over of it gets past the lookup.
    expect((await postAudit(auditorClient, envelope)).status).toBe(201);
    clients.set('anonymous', { baseUrl: server.url, headers: { 'x-ducha-csrf': '1' } });
    for (const [role, user] of [['admin', admin], ['auditor', auditor], ['site-manager', manager]] as const) {
      clients.set(role, await signIn(server.url, user.username));
      usernames.set(role, user.username);
    }
    const adminClient = clients.get('admin');
    if (!adminClient) throw new Error('admin');
    // The figures file's sites exist, so a valid upload is stored and a spoiled one gets as far as it can.
    for (const site of SITES) expect((await call(adminClient, 'PUT', `/api/sites/${site.code}`, { name: site.name })).status).toBe(200);
    const proposalId = randomUUID();
    const proposed = await fetch(`${server.url}/api/site-proposals`, {
      method: 'POST',
      headers: { ...auditorClient.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ id: proposalId, name: '待定管理处', region: '' }),
    });
    expect(proposed.status).toBe(201);
    context = {
      tablet,
      auditId: envelope.payload.audit.id,
      sacrificialUserId: sacrificial.userId,
      managerUserId: manager.userId,
      keyId: (await enrol(db, await nodeSigner(), '某人')).keyId,
      proposalId,
      envelope,
      sheet: renderSealedSheet(envelope, { fonts: { subset: subsetFont }, images: imagesOf() }).bytes,
    };
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('answers every route × role × spoiled parameter or body below 500, and writes nothing when it refuses', async () => {
    const random = seededRandom(SEED);
    const failures: string[] = [];
    const changed: string[] = [];
    /** Routes whose valid request some role had answered below 400: the fuzzing there started from inside the handler. */
    const reached = new Set<string>();
    let sent = 0;
    for (const [name, route] of Object.entries(API_ROUTES) satisfies [string, ApiRouteDoc][]) {
      const make = Object.entries(FUZZ).find(([key]) => key === name)?.[1];
      if (!make) throw new Error(`no fuzz entry for route ${name}`);
      const base = make(context);
      const all = spoil(route, base, context, random);
      // The extras are few and aimed: every role gets all of them.
      const extra = base.extra ? await base.extra() : [];
      for (const role of ROLES) {
        const picked = await Promise.all(sample(all, PER_ROLE[role], random).map((make) => make()));
        const requests: Spoiled[] = [{ label: 'valid' }, ...picked, ...extra];
        for (const spoiled of requests) {
          let client = clients.get(role);
          if (!client) throw new Error(role);
          // Signing out revokes the session it is sent with: send it with a second one.
          const username = usernames.get(role);
          if (name === 'logout' && username !== undefined) client = await signIn(server.url, username);
          const body = spoiled.body ?? (base.json !== undefined ? json(base.json) : base.raw ? { contentType: base.raw.contentType, data: base.raw.bytes } : undefined);
          const isWrite = route.method !== 'get' && role !== 'anonymous' && name !== 'login' && name !== 'logout';
          const before = isWrite ? await counts() : '';
          const url = urlOf(route, base, spoiled);
          let status: number;
          let text: string;
          try {
            const response = await fetch(`${server.url}${url}`, {
              method: route.method.toUpperCase(),
              headers: { ...client.headers, ...(body ? { 'content-type': body.contentType } : {}) },
              ...(body ? { body: typeof body.data === 'string' ? body.data : Buffer.from(body.data) } : {}),
            });
            status = response.status;
            text = await response.text();
          } catch (error) {
            status = 599;
            text = error instanceof Error ? error.message : String(error);
          }
          sent++;
          if (spoiled.label === 'valid' && status < 400) reached.add(name);
          if (status >= 500) failures.push(`${name} as ${role}, ${spoiled.label}: ${status} ${text.slice(0, 200)}`);
          if (isWrite && status >= 400 && status !== 409) {
            const after = await counts();
            if (after !== before) changed.push(`${name} as ${role}, ${spoiled.label}: ${status} yet ${before} → ${after}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(1000);
    // A base request that no role gets through would fuzz only the first check: these are knowingly shallow.
    expect(Object.keys(API_ROUTES).filter((name) => !reached.has(name))).toEqual(SHALLOW);
    expect(failures).toEqual([]);
    expect(changed).toEqual([]);
  }, 600_000);
});

