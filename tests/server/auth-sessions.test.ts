import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHashOf } from '../../src/server/auth/sessions';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { addUser, anonymous, signedInAs, signIn, TEST_PASSWORD, withCookie } from './support/sessions';
import { call } from './support/uploads';

const login = (url: string, username: string, password: string, headers: Record<string, string> = { 'x-ducha-csrf': '1' }) =>
  fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });

describe.each(BACKENDS)('sign-in, sessions and CSRF, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    url = server.url;
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('signs in with an HttpOnly, SameSite=Strict, Path=/ cookie (not Secure over plain HTTP), says who, signs out', async () => {
    const user = await addUser(server.services.db, 'auditor', { username: 'Wang.Xiaoming', displayName: '王小明' });
    // The username matches whatever its case.
    const response = await login(url, 'wang.xiaoming', user.password);
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ducha_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=1209\d{3}; HttpOnly; SameSite=Strict$/);
    const body: unknown = await response.json();
    expect([getAt(body, ['username']), getAt(body, ['displayName']), getAt(body, ['role'])]).toEqual(['Wang.Xiaoming', '王小明', 'auditor']);
    const token = /ducha_session=([^;]+)/.exec(cookie)?.[1] ?? '';
    // Only the token's SHA-256 is stored.
    const stored = await server.services.db.selectFrom('sessions').select('token_hash').where('user_id', '=', user.userId).execute();
    expect(stored.map((s) => s.token_hash)).toEqual([tokenHashOf(token)]);
    expect(JSON.stringify(stored)).not.toContain(token);

    const client = withCookie(url, token);
    const me = await call(client, 'GET', '/api/session');
    expect([me.status, getAt(me.body, ['userId'])]).toEqual([200, user.userId]);
    const out = await call(client, 'DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^ducha_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    // The revoked token no longer signs anyone in, even if the client kept it.
    const after = await call(client, 'GET', '/api/session');
    expect([after.status, getAt(after.body, ['error', 'code'])]).toEqual([401, 'unauthenticated']);
  });

  it('refuses forged, malformed, expired and revoked tokens with 401', async () => {
    const auditor = await signedInAs(server, 'auditor');
    const forged = withCookie(url, randomBytes(32).toString('base64url'));
    const malformed = withCookie(url, "x' or '1'='1");
    for (const client of [forged, malformed, anonymous(url)]) {
      const answer = await call(client, 'GET', '/api/session');
      expect([answer.status, getAt(answer.body, ['error', 'code'])]).toEqual([401, 'unauthenticated']);
    }
    expect((await call(auditor, 'GET', '/api/session')).status).toBe(200);
    await server.services.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', tokenHashOf(auditor.token))
      .execute();
    expect((await call(auditor, 'GET', '/api/session')).status).toBe(401);

    const other = await signedInAs(server, 'auditor');
    await server.services.db.updateTable('sessions').set({ revoked_at: new Date().toISOString() }).where('token_hash', '=', tokenHashOf(other.token)).execute();
    expect((await call(other, 'GET', '/api/session')).status).toBe(401);
  });

  it('refuses a write that carries the cookie without the x-ducha-csrf header, or from another origin (403 csrf)', async () => {
    const admin = await signedInAs(server, 'admin');
    const noHeader = withCookie(url, admin.token, false);
    const newUser = { username: 'li.si', displayName: '李四', role: 'auditor', password: TEST_PASSWORD };
    const refused = await call(noHeader, 'POST', '/api/users', newUser);
    expect([refused.status, getAt(refused.body, ['error', 'code'])]).toEqual([403, 'csrf']);
    expect(getAt(refused.body, ['error', 'message'])).toMatch(/without the x-ducha-csrf: 1 header/);
    const crossOrigin = await call({ baseUrl: url, headers: { ...admin.headers, origin: 'https://evil.example' } }, 'POST', '/api/users', newUser);
    expect([crossOrigin.status, getAt(crossOrigin.body, ['error', 'message'])]).toEqual([
      403,
      expect.stringMatching(/another origin \(https:\/\/evil\.example\)/),
    ]);
    // Nothing was created by either.
    const users = await server.services.db.selectFrom('users').select('username').where('username', '=', 'li.si').execute();
    expect(users).toEqual([]);
    // Reads need no header; the same write with it goes through.
    expect((await call(noHeader, 'GET', '/api/session')).status).toBe(200);
    expect((await call(admin, 'POST', '/api/users', newUser)).status).toBe(201);
    // A sign-in without the header is refused too (login CSRF).
    expect((await login(url, 'li.si', TEST_PASSWORD, {})).status).toBe(403);
  });

  it('answers SQL-looking usernames as unknown (401), never as an error or a match', async () => {
    await addUser(server.services.db, 'admin', { username: 'root-admin' });
    for (const username of ["' or '1'='1", "root-admin'--", 'root-admin; drop table users; --', '%', 'ROOT-ADMIN\u0000']) {
      const response = await login(url, username, TEST_PASSWORD);
      expect([username, response.status]).toEqual([username, 401]);
      expect(getAt(await response.json(), ['error', 'code'])).toBe('invalid-credentials');
    }
    expect((await server.services.db.selectFrom('users').select('id').execute()).length).toBeGreaterThan(0);
    const admin = await signIn(url, 'root-admin');
    const created = await call(admin, 'POST', '/api/users', { username: "x' or 1=1 --", displayName: 'x', role: 'auditor', password: TEST_PASSWORD });
    expect([created.status, getAt(created.body, ['error', 'path'])]).toEqual([400, 'username']);
  });

  it('answers the 6th failed sign-in within a minute with 429 and Retry-After, even with the right password; other users unaffected', async () => {
    const target = await addUser(server.services.db, 'admin', { username: 'zhao.liu' });
    const bystander = await addUser(server.services.db, 'auditor');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await login(url, 'zhao.liu', `guess number ${attempt}`);
      expect([attempt, response.status]).toEqual([attempt, 401]);
      await response.arrayBuffer();
    }
    const throttled = await login(url, 'zhao.liu', target.password);
    expect(throttled.status).toBe(429);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(getAt(await throttled.json(), ['error', 'code'])).toBe('rate-limited');
    expect((await login(url, bystander.username, bystander.password)).status).toBe(200);
    // The failures are in the audit log, with the address.
    const failed = await server.services.db.selectFrom('audit_log').select(['target', 'ip']).where('action', '=', 'login-failed').where('target', '=', 'zhao.liu').execute();
    expect(failed).toHaveLength(5);
    expect(failed[0]?.ip).toBe('127.0.0.1');
  }, 60_000);

  it('refuses an unauthenticated write with 401 before reading its body', async () => {
    const answer = await call(anonymous(url), 'POST', '/api/users', { username: 'x' });
    expect([answer.status, getAt(answer.body, ['error', 'message'])]).toEqual([401, expect.stringMatching(/POST \/api\/users needs you to sign in/)]);
  });
});
