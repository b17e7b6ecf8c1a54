import type { FastifyInstance } from 'fastify';
import { recordAuditEvent } from '../auth/audit-log';
import { verifyAgainstNothing, verifyPassword } from '../auth/password';
import { loginRetryAfter } from '../auth/rate-limit';
import type { Principal } from '../auth/roles';
import { createSession, principalOfToken, revokeSession } from '../auth/sessions';
import { userForLogin, usernameSchema } from '../auth/users';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { loginBodySchema } from '../../domain/wire';
import { replyBadRequest, replyError } from './reply-error';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './session-cookie';

const sessionBody = (principal: Principal) => ({
  userId: principal.userId,
  username: principal.username,
  displayName: principal.displayName,
  role: principal.role,
  siteKeys: [...principal.siteKeys],
  expiresAt: principal.sessionExpiresAt,
});

/** Sign in, who am I, sign out. */
export function sessionRoutes(services: ServerServices) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    const { db } = services;

    app.post(fastifyPathOf(API_ROUTES.login), async (request, reply) => {
      const body = loginBodySchema.safeParse(request.body);
      if (!body.success) return replyBadRequest(reply, body.error);
      const { username, password } = body.data;
      // PostgreSQL text cannot hold NUL: such a name is counted and logged with it replaced, and never looked up.
      const logged = username.replaceAll(String.fromCharCode(0), '\uFFFD');
      const retryAfter = await loginRetryAfter(db, logged, request.ip);
      if (retryAfter > 0)
        return replyError(
          reply.header('retry-after', String(retryAfter)),
          429,
          'rate-limited',
          `too many failed sign-ins for ${logged} from ${request.ip}: try again in ${retryAfter} s`,
        );
      const user = usernameSchema.safeParse(username).success ? await userForLogin(db, username) : undefined;
      const isValid = user ? await verifyPassword(password, user.password_hash) : await verifyAgainstNothing(password);
      if (!user || !isValid || user.disabled_at !== null) {
        await recordAuditEvent(db, {
          action: 'login-failed',
          target: logged.toLowerCase(),
          ip: request.ip,
          detail: { reason: !user ? 'unknown-user' : !isValid ? 'wrong-password' : 'disabled' },
        });
        return replyError(reply, 401, 'invalid-credentials', 'wrong username or password, or the account is disabled');
      }
      const { token } = await createSession(db, user.id);
      const principal = await principalOfToken(db, token);
      if (!principal) throw new Error(`the session just made for ${user.username} does not read back`);
      await recordAuditEvent(db, { action: 'login', actor: principal, target: principal.username, ip: request.ip });
      setSessionCookie(request, reply, token, new Date(principal.sessionExpiresAt));
      return reply.send(sessionBody(principal));
    });

    app.get(fastifyPathOf(API_ROUTES.whoAmI), { onRequest: guardFor(services, API_ROUTES.whoAmI) }, async (request, reply) =>
      reply.send(sessionBody(principalOf(request))),
    );

    app.delete(fastifyPathOf(API_ROUTES.logout), { onRequest: guardFor(services, API_ROUTES.logout) }, async (request, reply) => {
      const token = sessionTokenOf(request);
      if (token !== undefined) await revokeSession(db, token);
      clearSessionCookie(request, reply);
      return reply.code(204).send();
    });
    done();
  };
}
