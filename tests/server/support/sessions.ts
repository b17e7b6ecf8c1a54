import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Role } from '../../../src/server/auth/roles';
import { createUser } from '../../../src/server/auth/users';
import type { Database } from '../../../src/server/db/tables';

/** Where to send requests and what to send them with: a session cookie and the CSRF header, or nothing. */
export interface ApiClient {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SignedIn extends ApiClient {
  readonly userId: number;
  readonly username: string;
  /** The opaque token in the cookie, for tests that tamper with it. */
  readonly token: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export const anonymous = (baseUrl: string): ApiClient => ({ baseUrl, headers: {} });

export const withCookie = (baseUrl: string, token: string, csrf = true): ApiClient => ({
  baseUrl,
  headers: { cookie: `ducha_session=${token}`, ...(csrf ? { 'x-ducha-csrf': '1' } : {}) },
});

/** Creates an account straight in the database (as `ducha server init-admin` does for the first admin). */
export async function addUser(
  db: Kysely<Database>,
  role: Role,
  options: { username?: string; displayName?: string; siteKeys?: readonly string[]; password?: string } = {},
): Promise<{ userId: number; username: string; password: string }> {
  const username = options.username ?? `${role}-${randomUUID().slice(0, 8)}`;
  const password = options.password ?? TEST_PASSWORD;
  const created = await createUser(db, {
    username,
    displayName: options.displayName ?? username,
    role,
    password,
    ...(options.siteKeys ? { siteKeys: [...options.siteKeys] } : {}),
  });
  if (!created.ok) throw new Error(JSON.stringify(created.issues));
  return { userId: created.value.id, username, password };
}

/** Signs in over HTTP, as the app does, and returns a client carrying the session cookie. */
export async function signIn(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<SignedIn> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ducha-csrf': '1' },
    body: JSON.stringify({ username, password }),
  });
  const body: unknown = await response.json();
  if (response.status !== 200) throw new Error(`sign-in as ${username}: ${response.status} ${JSON.stringify(body)}`);
  const cookie = /ducha_session=([A-Za-z0-9_-]{43})/.exec(response.headers.get('set-cookie') ?? '');
  const userId = typeof body === 'object' && body !== null && 'userId' in body && typeof body.userId === 'number' ? body.userId : 0;
  if (!cookie?.[1]) throw new Error(`sign-in as ${username}: no session cookie came back`);
  return { ...withCookie(baseUrl, cookie[1]), userId, username, token: cookie[1] };
}

/** A new account of this role, signed in: the one-liner other test files use. */
export async function signedInAs(
  server: { readonly url: string; readonly services: { readonly db: Kysely<Database> } },
  role: Role,
  options: { username?: string; displayName?: string; siteKeys?: readonly string[] } = {},
): Promise<SignedIn> {
  const user = await addUser(server.services.db, role, options);
  return signIn(server.url, user.username, user.password);
}
