import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { replyError } from './reply-error';
import { sessionTokenOf } from './session-cookie';

export const CSRF_HEADER = 'x-ducha-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SIGN_IN = { method: API_ROUTES.login.method.toUpperCase(), url: fastifyPathOf(API_ROUTES.login) };

/**
 * Another site can make a browser send our cookie with a form post, but not with a custom header (that needs
 * a CORS preflight, which this server never grants): every write that carries the session cookie, and every
 * sign-in, must say `x-ducha-csrf: 1`. A browser's Origin, when sent, must also be this server's own.
 * A write without any cookie is left to the route's guard (401): it cannot ride on anyone's session.
 *
 * Decided on the route the router matched, never on the URL text: `/%61pi/users/1/disable` is routed to
 * `/api/users/:id/disable` after decoding, so a test on the raw string would wave it through. Every unsafe
 * method is checked whatever it matched (a route, the app, or nothing), so no spelling of a path escapes.
 */
export async function refuseCrossSiteWrites(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const matched = request.routeOptions.url;
  const isSignIn = request.method === SIGN_IN.method && matched === SIGN_IN.url;
  if (sessionTokenOf(request) === undefined && !isSignIn) return undefined;
  const what = `${request.method} ${matched ?? 'an unknown path'}`;
  if (request.headers[CSRF_HEADER] !== '1')
    return replyError(
      reply,
      403,
      'csrf',
      `${what} was sent with the session cookie but without the ${CSRF_HEADER}: 1 header: refused as a possible cross-site request`,
    );
  const { origin } = request.headers;
  if (origin !== undefined && origin !== 'null') {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== request.host)
      return replyError(reply, 403, 'csrf', `a write from another origin (${origin}) is refused; this server is ${request.host}`);
  }
  return undefined;
}
