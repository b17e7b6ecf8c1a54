import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, fastifyPathOf } from '../../src/server/http/api-routes';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { getAt } from '../support/trust';
import { BACKENDS, useBackend } from './support/backends';
import { addUser, signIn, type SignedIn } from './support/sessions';

/** Sends a request with the path exactly as written (fetch would resolve `/./` and `//` before sending). */
function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: text });
      });
    });
    req.on('error', (error) => {
      resolve({ status: 0, body: `no answer: ${error.message}` });
    });
    req.end(body);
  });
}

/** Every way of writing one path that a router might take for it, or that a check on the URL text might miss. */
function spellingsOf(path: string): string[] {
  const rest = path.slice('/api'.length);
  const [first = '', ...others] = rest.split('/').filter((s) => s !== '');
  const encodedFirst = first === '' ? '' : `%${first.charCodeAt(0).toString(16)}${first.slice(1)}`;
  return [
    `/%61pi${rest}`,
    `/%61%70%69${rest}`,
    `/a%70i${rest}`,
    `//api${rest}`,
    `/api/.${rest}`,
    `/api/./${rest.slice(1)}`,
    `/x/../api${rest}`,
    `/API${rest}`,
    `/Api${rest}`,
    `/api${rest.toUpperCase()}`,
    `/api/${encodedFirst}${others.length > 0 ? `/${others.join('/')}` : ''}`,
    `/api${rest}/`,
    `/api${rest}?x=1`,
    `/api${rest}%3Fx=1`,
    `/api${rest};x=1`,
  ];
}

describe.each(BACKENDS)('the CSRF check follows what the router matched, not the URL text, on %s', (backendName) => {
  const backend = useBackend(backendName);
  let server: RunningServer;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    const account = await addUser(server.services.db, 'admin');
    admin = await signIn(server.url, account.username);
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('refuses POST /%61pi/users/{id}/disable from another origin without the header, and the account stays enabled', async () => {
    const victim = await addUser(server.services.db, 'auditor');
    const answer = await rawRequest(server.url, 'POST', `/%61pi/users/${victim.userId}/disable`, {
      cookie: `ducha_session=${admin.token}`,
      origin: 'https://evil.example',
    });
    // On the old code this was 200: the check read "/%61pi/…" as not an API path, the router decoded it to one.
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'csrf' } });
    const row = await server.services.db.selectFrom('users').select('disabled_at').where('id', '=', victim.userId).executeTakeFirstOrThrow();
    expect(row.disabled_at).toBeNull();
  });

  it('refuses a sign-in at an encoded path without the header', async () => {
    const account = await addUser(server.services.db, 'auditor');
    const answer = await rawRequest(
      server.url,
      'POST',
      '/%61pi/session',
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      JSON.stringify({ username: account.username, password: account.password }),
    );
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('userId');
  });

  it('never lets any write route, however its path is spelled, through without the header: 403 csrf or nothing matched, never 2xx or 5xx', async () => {
    const writes = Object.entries(API_ROUTES).filter(([, route]) => route.method !== 'get');
    expect(writes.length).toBeGreaterThan(10);
    const victim = await addUser(server.services.db, 'auditor');
    const seen: string[] = [];
    for (const [name, route] of writes) {
      const path = fastifyPathOf(route).replace(/:(\w+)/g, (_m, param: string) => (param === 'id' ? String(victim.userId) : 'x'));
      for (const spelling of spellingsOf(path)) {
        for (const withCookie of [true, false]) {
          const answer = await rawRequest(
            server.url,
            route.method.toUpperCase(),
            spelling,
            {
              ...(withCookie ? { cookie: `ducha_session=${admin.token}` } : {}),
              origin: 'https://evil.example',
              ...(route.method === 'delete' ? {} : { 'content-type': 'application/json' }),
            },
            // DELETE takes no body (the app sends none).
            route.method === 'delete' ? undefined : '{}',
          );
          const code = answer.body.startsWith('{') ? String(getAt(JSON.parse(answer.body), ['error', 'code'])) : '';
          seen.push(`${name} ${spelling} cookie=${String(withCookie)}: ${answer.status} ${code}`);
          expect([`${name} ${spelling}`, answer.status > 0 && answer.status < 500, answer.body.slice(0, 100)]).toEqual([`${name} ${spelling}`, true, answer.body.slice(0, 100)]);
          expect([`${name} ${spelling}`, answer.status >= 200 && answer.status < 300]).toEqual([`${name} ${spelling}`, false]);
          // With the admin's cookie a write that reaches any route is refused before the route runs.
          if (withCookie && answer.status !== 404) expect([`${name} ${spelling}`, answer.status, code]).toEqual([`${name} ${spelling}`, 403, 'csrf']);
        }
      }
    }
    // The encoded spellings reach the real routes (so the test exercises the guard, not just the 404 page).
    expect(seen.filter((line) => line.includes('/%61pi/') && line.includes('cookie=true') && / 403 csrf$/.test(line)).length).toBe(writes.length);
    const row = await server.services.db.selectFrom('users').select('disabled_at').where('id', '=', victim.userId).executeTakeFirstOrThrow();
    expect(row.disabled_at).toBeNull();
    const sessions = await server.services.db.selectFrom('sessions').select('user_id').where('user_id', '=', admin.userId).execute();
    expect(sessions.length).toBeGreaterThan(0);
  }, 300_000);
});
