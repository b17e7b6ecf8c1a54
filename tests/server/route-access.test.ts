import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDeviceKeyFile, proveEnrolment, sha256Hex, type DeviceKeyFile, type EnrolmentProof } from '../../src/domain/index';
import { enrolmentChallengeSchema } from '../../src/domain/wire';
import { API_ROUTES, type ApiRouteDoc } from '../../src/server/http/api-routes';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { nodeSigner, photoRed } from '../support/sealed-audit';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { DOWNSYNC_ACCESS, type DownSyncRoute } from './support/downsync-access';
import { addUser, signIn, withCookie, type ApiClient, type SignedIn } from './support/sessions';
import { enrol, freshAudit, postAudit, putFixtureImages, seal } from './support/uploads';

const MONTHLY = z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rankings', 'monthly.json'), 'utf8')));

const ACTORS = ['anonymous', 'auditor', 'other auditor', 'site manager of the site', 'site manager of another site', 'admin'] as const;
type Actor = (typeof ACTORS)[number];

/** Nobody signed in, sending the CSRF header as the app always does: what is tested is the role, not the header. */
const anonymousApp = (baseUrl: string): ApiClient => ({ baseUrl, headers: { 'x-ducha-csrf': '1' } });

interface Context {
  readonly auditId: string;
  readonly envelope: string;
  readonly otherManagerId: number;
  readonly otherSiteKey: string;
  readonly sacrificialUser: () => Promise<number>;
  readonly otherAuditorId: number;
  /** A new key file with a challenge signed by its key, fetched in the actor's session (a made-up one where that is refused). */
  readonly freshEnrolment: (actor: Actor) => Promise<{ keyFile: DeviceKeyFile; proof: EnrolmentProof }>;
  readonly freshEnrolledKey: () => Promise<string>;
  readonly unique: () => string;
  /** A second session of the actor's own account (sign-out revokes the one it is sent with). */
  readonly secondSession: (actor: Actor) => Promise<ApiClient>;
}

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly bytes?: Uint8Array;
  /** Of `bytes`; image/jpeg unless said. */
  readonly contentType?: string;
  readonly as?: ApiClient;
}

interface Case {
  readonly request: (context: Context, actor: Actor) => Promise<Request> | Request;
  readonly expected: Readonly<Record<Actor, number>>;
}

/** Expected statuses in the order of ACTORS. */
const statuses = (
  anonymousStatus: number,
  auditor: number,
  otherAuditor: number,
  siteManager: number,
  otherSiteManager: number,
  admin: number,
): Readonly<Record<Actor, number>> => ({
  anonymous: anonymousStatus,
  auditor,
  'other auditor': otherAuditor,
  'site manager of the site': siteManager,
  'site manager of another site': otherSiteManager,
  admin,
});
const everyone = (status: number) => statuses(status, status, status, status, status, status);
const signedIn = (status: number) => statuses(401, status, status, status, status, status);
const adminOnly = (status: number) => statuses(401, 403, 403, 403, 403, status);

/**
 * Every API route, by its key in API_ROUTES (a route added without a row here does not compile), with a
 * request each actor sends and the status each must get. The auditor's audit is sealed by their enrolled
 * tablet; the site manager of the site manages its site key. The down-sync and head-office routes have their
 * own table (support/downsync-access.ts, checked by downsync-roles.test.ts).
 */
const CASES: Readonly<Record<Exclude<keyof typeof API_ROUTES, DownSyncRoute>, Case>> = {
  health: { request: () => ({ method: 'GET', path: '/api/health' }), expected: everyone(200) },
  // The verification page is for whoever holds a sheet: no sign-in, no CSRF token needed to ask.
  verifySheet: {
    request: () => ({ method: 'POST', path: '/api/verify', bytes: new TextEncoder().encode('not a PDF'), contentType: 'application/pdf' }),
    expected: everyone(200),
  },
  verifySeal: {
    request: (c) => ({ method: 'POST', path: '/api/verify/seal', body: `{"envelope":${c.envelope}}` }),
    expected: everyone(200),
  },
  openapi: { request: () => ({ method: 'GET', path: '/api/openapi.json' }), expected: everyone(200) },
  putImage: {
    request: () => ({ method: 'PUT', path: `/api/images/${sha256Hex(photoRed)}`, bytes: photoRed }),
    // 201 where the bytes are new to that sender, whoever sent them before: a 200 would confirm someone else had.
    expected: statuses(401, 200, 201, 403, 403, 201),
  },
  // Named by the audit (its site's manager reads it) and sent by both auditors (the other one just above):
  // only the manager of another site is told it is not there.
  getImage: {
    request: () => ({ method: 'GET', path: `/api/images/${sha256Hex(photoRed)}` }),
    expected: statuses(401, 200, 200, 200, 404, 200),
  },
  // The auditor's own audit again: unchanged (200) for them and the admin; another auditor did not seal it.
  postAudit: {
    request: (c) => ({ method: 'POST', path: '/api/audits', body: c.envelope }),
    expected: statuses(401, 200, 403, 403, 403, 200),
  },
  // Every role may list; what each sees is its own scope (received-audits-scope.test.ts).
  listAudits: { request: () => ({ method: 'GET', path: '/api/audits?limit=5' }), expected: signedIn(200) },
  getAudit: { request: (c) => ({ method: 'GET', path: `/api/audits/${c.auditId}` }), expected: statuses(401, 200, 403, 200, 403, 200) },
  getAuditEnvelope: {
    request: (c) => ({ method: 'GET', path: `/api/audits/${c.auditId}/envelope` }),
    expected: statuses(401, 200, 403, 200, 403, 200),
  },
  // Signing in is for anyone; a wrong password is 401 whoever already holds a session.
  login: {
    request: (c) => ({ method: 'POST', path: '/api/session', body: { username: `nobody-${c.unique()}`, password: 'wrong password' } }),
    expected: everyone(401),
  },
  whoAmI: { request: () => ({ method: 'GET', path: '/api/session' }), expected: signedIn(200) },
  logout: {
    request: async (c, actor) => ({ method: 'DELETE', path: '/api/session', as: await c.secondSession(actor) }),
    expected: signedIn(204),
  },
  listUsers: { request: () => ({ method: 'GET', path: '/api/users' }), expected: adminOnly(200) },
  createUser: {
    request: (c) => ({
      method: 'POST',
      path: '/api/users',
      body: { username: `new-${c.unique()}`, displayName: '新用户', role: 'auditor', password: 'a long enough password' },
    }),
    expected: adminOnly(201),
  },
  disableUser: {
    request: async (c) => ({ method: 'POST', path: `/api/users/${await c.sacrificialUser()}/disable` }),
    expected: adminOnly(200),
  },
  resetPassword: {
    request: async (c) => ({
      method: 'POST',
      path: `/api/users/${await c.sacrificialUser()}/password`,
      body: { password: 'another long password' },
    }),
    expected: adminOnly(200),
  },
  setUserSites: {
    request: (c) => ({ method: 'PUT', path: `/api/users/${c.otherManagerId}/sites`, body: { siteKeys: [c.otherSiteKey] } }),
    expected: adminOnly(200),
  },
  enrolmentChallenge: {
    request: () => ({ method: 'POST', path: '/api/devices/challenge' }),
    expected: statuses(401, 201, 201, 403, 403, 403),
  },
  enrolDevice: {
    request: async (c, actor) => ({ method: 'POST', path: '/api/devices', body: await c.freshEnrolment(actor) }),
    expected: statuses(401, 201, 201, 403, 403, 403),
  },
  handOverAudit: {
    request: (c) => ({ method: 'POST', path: `/api/audits/${c.auditId}/hand-over`, body: { toUserId: c.otherAuditorId, reason: '原稽核员离职' } }),
    expected: adminOnly(201),
  },
  listDevices: { request: () => ({ method: 'GET', path: '/api/devices' }), expected: adminOnly(200) },
  revokeDevice: {
    request: async (c) => ({ method: 'POST', path: `/api/devices/${await c.freshEnrolledKey()}/revoke`, body: { reason: '平板遗失' } }),
    expected: adminOnly(200),
  },
  auditLog: { request: () => ({ method: 'GET', path: '/api/audit-log?limit=5' }), expected: adminOnly(200) },
  backup: { request: () => ({ method: 'GET', path: '/api/backup' }), expected: adminOnly(200) },
  // Every audit's sites and auditors: head office's alone, even for a site manager of one of them.
  headOfficeFilterOptions: {
    request: () => ({ method: 'GET', path: '/api/head-office/filter-options?rubricId=KF01' }),
    expected: adminOnly(200),
  },
  headOfficeHeld: { request: () => ({ method: 'GET', path: '/api/head-office/held' }), expected: adminOnly(200) },
  headOfficeConflicts: { request: () => ({ method: 'GET', path: '/api/head-office/conflicts' }), expected: adminOnly(200) },
  listRankingDefinitions: {
    request: () => ({ method: 'GET', path: '/api/ranking-definitions' }),
    expected: statuses(401, 403, 403, 200, 200, 200),
  },
  publishRankingDefinition: {
    // A fresh title each time, so each admin call publishes a new version (201).
    request: (context) => ({ method: 'POST', path: '/api/ranking-definitions', body: { ...MONTHLY, title: `服务质量月度综合排名 ${context.unique()}` } }),
    expected: adminOnly(201),
  },
  uploadKpiFigures: {
    // The site is named as the auditor's audit names it: figures are filed under that audit's site key.
    request: () => ({
      method: 'POST',
      path: '/api/kpi-figures?fileName=figures.csv',
      bytes: new TextEncoder().encode('月份,被考核单位,考核表,序号,数值\n2026-11,碧桂园凤凰城管理处,KPI-CC,1,95\n'),
      contentType: 'text/csv',
    }),
    expected: adminOnly(201),
  },
  kpiFigureHistory: {
    request: () => ({ method: 'GET', path: '/api/kpi-figures?month=2026-11' }),
    expected: statuses(401, 403, 403, 200, 200, 200),
  },
  monthlyRanking: {
    request: () => ({ method: 'GET', path: '/api/head-office/monthly-ranking?month=2026-11' }),
    expected: statuses(401, 403, 403, 200, 200, 200),
  },
  monthlyRankingPdf: {
    request: () => ({ method: 'GET', path: '/api/head-office/monthly-ranking.pdf?month=2026-11' }),
    expected: statuses(401, 403, 403, 200, 200, 200),
  },
  monthlyRankingCsv: {
    request: () => ({ method: 'GET', path: '/api/head-office/monthly-ranking.csv?month=2026-11' }),
    expected: statuses(401, 403, 403, 200, 200, 200),
  },
};

/** The documented path with its parameters as a pattern, so each case provably calls the route it is filed under. */
const patternOf = (route: ApiRouteDoc): RegExp => new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}(\\?.*)?$`);

async function send(client: ApiClient, request: Request, withCsrf = true): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { ...client.headers };
  if (!withCsrf) delete headers['x-ducha-csrf'];
  let body: string | Buffer<ArrayBuffer> | undefined;
  if (request.bytes) {
    headers['content-type'] = request.contentType ?? 'image/jpeg';
    body = Buffer.from(request.bytes);
  } else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  }
  const response = await fetch(`${client.baseUrl}${request.path}`, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json') && text !== '';
  return { status: response.status, body: isJson ? JSON.parse(text) : text };
}

describe.each(BACKENDS)('who may call which route, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let context: Context;
  const clients = new Map<Actor, ApiClient>();
  const accounts = new Map<Actor, SignedIn>();

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    const { db } = server.services;
    const admin = await addUser(db, 'admin');
    const auditor = await addUser(db, 'auditor', { displayName: '王小明' });
    const otherAuditor = await addUser(db, 'auditor', { displayName: '张三' });
    const tablet = await nodeSigner();
    await enrol(db, tablet, '王小明', auditor.userId);
    const auditorClient = await signIn(server.url, auditor.username);
    await putFixtureImages(auditorClient);
    const audit = freshAudit({ site: '碧桂园凤凰城管理处' });
    const envelope = JSON.stringify(await seal(audit, tablet));
    expect((await postAudit(auditorClient, envelope)).status).toBe(201);
    const row = await db.selectFrom('accepted_revisions').select('site_key').where('audit_id', '=', audit.id).executeTakeFirstOrThrow();
    const otherSiteKey = 'site:其他管理处';
    const manager = await addUser(db, 'site-manager', { siteKeys: [row.site_key] });
    const otherManager = await addUser(db, 'site-manager', { siteKeys: [otherSiteKey] });
    const users: Record<Exclude<Actor, 'anonymous'>, { username: string }> = {
      auditor,
      'other auditor': otherAuditor,
      'site manager of the site': manager,
      'site manager of another site': otherManager,
      admin,
    };
    clients.set('anonymous', anonymousApp(server.url));
    for (const [actor, user] of Object.entries(users)) {
      const signed = await signIn(server.url, user.username);
      const known = ACTORS.find((a) => a === actor);
      if (known === undefined) throw new Error(actor);
      clients.set(known, signed);
      accounts.set(known, signed);
    }
    let counter = 0;
    context = {
      auditId: audit.id,
      envelope,
      otherManagerId: otherManager.userId,
      otherSiteKey,
      sacrificialUser: async () => (await addUser(db, 'auditor')).userId,
      otherAuditorId: otherAuditor.userId,
      freshEnrolment: async (actor) => {
        const signer = await nodeSigner();
        const file = await makeDeviceKeyFile(signer, { deviceLabel: '平板', auditor: '某人', createdAt: '2026-11-01T00:00:00.000Z' });
        if (!file.ok) throw new Error(JSON.stringify(file.issues));
        const client = clients.get(actor) ?? anonymousApp(server.url);
        const challenge = await send(client, { method: 'POST', path: '/api/devices/challenge' });
        const parsed = enrolmentChallengeSchema.safeParse(challenge.body);
        const proof = parsed.success
          ? await proveEnrolment(signer, parsed.data.nonce, parsed.data.userId)
          : { nonce: 'A'.repeat(43), signature: 'A'.repeat(86) };
        return { keyFile: file.value, proof };
      },
      freshEnrolledKey: async () => (await enrol(db, await nodeSigner(), '某人')).keyId,
      unique: () => `${Date.now().toString(36)}-${(counter++).toString()}`,
      secondSession: async (actor) => {
        const account = accounts.get(actor);
        return account ? signIn(server.url, account.username) : anonymousApp(server.url);
      },
    };
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('answers every route × every actor with the expected status', async () => {
    const got: string[] = [];
    const wanted: string[] = [];
    for (const [name, route] of Object.entries(API_ROUTES)) {
      if (name in DOWNSYNC_ACCESS) continue; // downsync-roles.test.ts
      const testCase = Object.entries(CASES).find(([key]) => key === name)?.[1];
      if (!testCase) throw new Error(`no access case for route ${name}`);
      for (const actor of ACTORS) {
        const request = await testCase.request(context, actor);
        expect(`${request.method} ${request.path}`).toMatch(new RegExp(`^${route.method.toUpperCase()} `));
        expect(request.path).toMatch(patternOf(route));
        const client = request.as ?? clients.get(actor) ?? anonymousApp(server.url);
        const answer = await send(client, request);
        got.push(`${name} as ${actor}: ${answer.status} ${answer.status >= 400 ? String(getAt(answer.body, ['error', 'code'])) : ''}`);
        wanted.push(`${name} as ${actor}: ${testCase.expected[actor]} ${answer.status >= 400 ? String(getAt(answer.body, ['error', 'code'])) : ''}`);
      }
    }
    // One comparison of the whole table, so a failure shows every cell that differs.
    expect(got).toEqual(wanted);
    // The refusals say why with the right code.
    expect(got.filter((line) => / 401 /.test(line)).every((line) => / 401 (unauthenticated|invalid-credentials)$/.test(line))).toBe(true);
    expect(got.filter((line) => / 403 /.test(line)).every((line) => / 403 (forbidden|key-not-enrolled)$/.test(line))).toBe(true);
  }, 120_000);

  it('refuses every write sent with the session cookie but without the CSRF header, whatever the role', async () => {
    const unsafe = Object.entries(API_ROUTES).filter(([name, route]) => route.method !== 'get' && !(name in DOWNSYNC_ACCESS));
    expect(unsafe.length).toBeGreaterThan(5);
    for (const [name, route] of unsafe) {
      for (const actor of ['auditor', 'admin'] as const) {
        const testCase = Object.entries(CASES).find(([key]) => key === name)?.[1];
        if (!testCase) throw new Error(name);
        const request = await testCase.request(context, actor);
        const client = request.as ?? clients.get(actor) ?? anonymousApp(server.url);
        const answer = await send(client, request, false);
        expect([name, route.method, actor, answer.status, getAt(answer.body, ['error', 'code'])]).toEqual([name, route.method, actor, 403, 'csrf']);
      }
    }
    // The sessions still work: nothing was signed out or changed by the refused writes.
    const admin = clients.get('admin');
    if (!admin) throw new Error('admin');
    expect((await send(admin, { method: 'GET', path: '/api/session' })).status).toBe(200);
  }, 120_000);

  it('answers a forged session cookie with 401 on every route that is not public', async () => {
    const forged = withCookie(server.url, 'A'.repeat(43));
    for (const [name, testCase] of Object.entries(CASES)) {
      if (testCase.expected.anonymous !== 401) continue;
      const request = await testCase.request(context, 'anonymous');
      const answer = await send(request.as ?? forged, request);
      expect([name, answer.status]).toEqual([name, 401]);
    }
  }, 120_000);
});
