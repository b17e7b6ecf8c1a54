import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/server/auth/roles';
import { API_ROUTES, type ApiRouteDoc } from '../../src/server/http/api-routes';
import { startServer, type RunningServer } from '../../src/server/start-server';
import { useBackend } from './support/backends';
import { downSyncTable } from './support/downsync-access';
import { anonymous, signedInAs, type ApiClient } from './support/sessions';

/** The down-sync and head-office routes and who may call each: the table the guard must enforce. */
const TABLE = downSyncTable();

const ROLES: readonly Role[] = ['admin', 'auditor', 'site-manager'];

const PARAMS: Readonly<Record<string, string>> = {
  code: 'SZ-001',
  fingerprint: `sha256:${'a'.repeat(64)}`,
  id: randomUUID(),
};

const pathOf = (route: ApiRouteDoc) => route.path.replace(/\{(\w+)\}/g, (_match, name: string) => PARAMS[name] ?? name);

async function call(client: ApiClient, route: ApiRouteDoc): Promise<number> {
  const write = route.method !== 'get';
  const answer = await fetch(`${client.baseUrl}${pathOf(route)}`, {
    method: route.method.toUpperCase(),
    headers: { ...client.headers, ...(write ? { 'content-type': 'application/json' } : {}) },
    ...(write ? { body: '{}' } : {}),
  });
  await answer.arrayBuffer();
  return answer.status;
}

describe('who may call the down-sync and head-office routes', () => {
  const backend = useBackend('PGlite');
  let server: RunningServer;
  const clients = new Map<Role | 'anonymous', ApiClient>();

  beforeAll(async () => {
    server = await startServer(await backend.freshConfig(), { logger: false });
    clients.set('anonymous', anonymous(server.url));
    for (const role of ROLES) clients.set(role, await signedInAs(server, role));
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  it('declares in API_ROUTES exactly the access in this table', () => {
    for (const [name, roles] of TABLE) {
      const { access } = API_ROUTES[name];
      expect([name, access === 'signed-in' ? ['admin', 'auditor', 'site-manager'] : access]).toEqual([name, roles]);
    }
  });

  it('refuses nobody signed in (401), a role beyond the route (403), and lets the others through', async () => {
    const seen: string[] = [];
    for (const [name, roles] of TABLE) {
      const route = API_ROUTES[name];
      for (const [who, client] of clients) {
        const status = await call(client, route);
        const expected = who === 'anonymous' ? 'refused 401' : roles.includes(who) ? 'through' : 'refused 403';
        const got = status === 401 || status === 403 ? `refused ${status}` : 'through';
        seen.push(`${name} ${who}: ${got}`);
        expect(`${name} ${who}: ${got}`).toBe(`${name} ${who}: ${expected}`);
      }
    }
    expect(seen).toHaveLength(TABLE.length * 4);
  });

  it('refuses a signed-in write without the CSRF header', async () => {
    const admin = clients.get('admin');
    if (!admin) throw new Error('no admin');
    const { 'x-ducha-csrf': _csrf, ...cookieOnly } = admin.headers;
    expect(await call({ baseUrl: admin.baseUrl, headers: cookieOnly }, API_ROUTES.putSite)).toBe(403);
  });
});
