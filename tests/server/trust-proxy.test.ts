import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { addUser, TEST_PASSWORD } from './support/sessions';

/** A sign-in as the app sends it, with whatever forwarding headers a client (or a proxy) adds. */
async function login(baseUrl: string, username: string, password: string, forwarded: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ducha-csrf': '1', ...forwarded },
    body: JSON.stringify({ username, password }),
  });
  const body: unknown = await response.json();
  return { status: response.status, cookie: response.headers.get('set-cookie') ?? '', code: getAt(body, ['error', 'code']) };
}

/** The client addresses the failed sign-ins of this username were counted under. */
async function failedFrom(server: RunningServer, username: string): Promise<string[]> {
  const rows = await server.services.db
    .selectFrom('audit_log')
    .select('ip')
    .where('action', '=', 'login-failed')
    .where('target', '=', username.toLowerCase())
    .orderBy('id')
    .execute();
  return rows.map((r) => r.ip ?? '');
}

describe.each(BACKENDS)('X-Forwarded-For and X-Forwarded-Proto, believed only from --trust-proxy, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let direct: RunningServer;
  let proxied: RunningServer;

  beforeAll(async () => {
    direct = await startServer(await backend.freshConfig(), { logger: false });
    proxied = await startServer(await backend.freshConfig({ trustProxy: '127.0.0.1' }), { logger: false });
  }, 120_000);
  afterAll(async () => {
    await direct.close();
    await proxied.close();
  });

  it('without trust (the default), a client forging a new X-Forwarded-For on every try is still throttled on its real address', async () => {
    const user = await addUser(direct.services.db, 'auditor');
    for (let i = 1; i <= 5; i++)
      expect((await login(direct.url, user.username, 'wrong password', { 'x-forwarded-for': `203.0.113.${i}` })).status).toBe(401);
    const sixth = await login(direct.url, user.username, TEST_PASSWORD, { 'x-forwarded-for': '198.51.100.77' });
    expect([sixth.status, sixth.code]).toEqual([429, 'rate-limited']);
    expect(await failedFrom(direct, user.username)).toEqual(Array.from({ length: 5 }, () => '127.0.0.1'));
  });

  it('without trust, X-Forwarded-Proto: https does not make the session cookie Secure over plain HTTP', async () => {
    const user = await addUser(direct.services.db, 'auditor');
    const answer = await login(direct.url, user.username, TEST_PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(answer.status).toBe(200);
    expect(answer.cookie).toMatch(/^ducha_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
  });

  it('trusting 127.0.0.1: X-Forwarded-Proto: https makes the cookie Secure, and plain HTTP through the proxy does not', async () => {
    const user = await addUser(proxied.services.db, 'auditor');
    const viaHttps = await login(proxied.url, user.username, TEST_PASSWORD, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.20' });
    expect(viaHttps.status).toBe(200);
    expect(viaHttps.cookie).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    const viaHttp = await login(proxied.url, user.username, TEST_PASSWORD, { 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.20' });
    expect([viaHttp.status, viaHttp.cookie.includes('Secure')]).toEqual([200, false]);
  });

  it('trusting 127.0.0.1: the forwarded client address is the one the sign-in throttle counts, each client apart', async () => {
    const user = await addUser(proxied.services.db, 'auditor');
    for (let i = 0; i < 5; i++)
      expect((await login(proxied.url, user.username, 'wrong password', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    expect((await login(proxied.url, user.username, TEST_PASSWORD, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
    // Another client behind the same proxy is not locked out by the first one's failures.
    expect((await login(proxied.url, user.username, TEST_PASSWORD, { 'x-forwarded-for': '203.0.113.10' })).status).toBe(200);
    // A client that prepends its own forged address is still known by the address the proxy saw.
    expect((await login(proxied.url, user.username, TEST_PASSWORD, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' })).status).toBe(429);
    expect(await failedFrom(proxied, user.username)).toEqual(Array.from({ length: 5 }, () => '203.0.113.9'));
  });
});
