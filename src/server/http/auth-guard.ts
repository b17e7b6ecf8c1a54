import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOfToken } from '../auth/sessions';
import type { Principal, Role } from '../auth/roles';
import { ROLE_LABELS } from '../auth/roles';
import type { ServerServices } from '../services';
import { replyError } from './reply-error';
import { sessionTokenOf } from './session-cookie';

/** Who may call a route: anyone, anyone signed in, or only these roles. */
export type RouteAccess = 'public' | 'signed-in' | readonly Role[];

// Keyed by the request object, so nothing has to be cast onto Fastify's request type.
const principals = new WeakMap<FastifyRequest, Principal | null>();

/** The session's user for this request, read once from the cookie; undefined when not (validly) signed in. */
export async function authenticate(services: ServerServices, request: FastifyRequest): Promise<Principal | undefined> {
  const known = principals.get(request);
  if (known !== undefined) return known ?? undefined;
  const token = sessionTokenOf(request);
  const principal = token === undefined ? undefined : await principalOfToken(services.db, token);
  principals.set(request, principal ?? null);
  return principal;
}

/**
 * The signed-in user of a request that passed a guard (requireRole / guardFor). Calling it on an unguarded
 * route is a programming error, reported as a 500 rather than served as anyone.
 */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error(`${request.method} ${request.url}: principalOf() called on a route without a sign-in guard`);
  return principal;
}

const describeRoles = (roles: readonly Role[]): string => roles.map((r) => `${ROLE_LABELS[r]} (${r})`).join(' or ');

/** An onRequest hook (before any body is read): 401 when nobody is signed in, 403 when the user's role is not among `roles` ('signed-in': any role). */
export function requireRole(services: ServerServices, roles: readonly Role[] | 'signed-in') {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const principal = await authenticate(services, request);
    if (!principal)
      return replyError(
        reply,
        401,
        'unauthenticated',
        `${request.method} ${request.routeOptions.url ?? request.url} needs you to sign in (POST /api/session); no valid session came with the request`,
      );
    if (roles !== 'signed-in' && !roles.includes(principal.role))
      return replyError(
        reply,
        403,
        'forbidden',
        `${request.method} ${request.routeOptions.url ?? request.url} is for ${describeRoles(roles)}; ${principal.username} is a ${ROLE_LABELS[principal.role]} (${principal.role})`,
      );
    return undefined;
  };
}

/** The guard a route's declared access asks for: register every route with it, so what is documented is enforced. */
export function guardFor(services: ServerServices, route: { readonly access: RouteAccess }) {
  if (route.access === 'public') return (): Promise<undefined> => Promise.resolve(undefined);
  return requireRole(services, route.access);
}
