import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Issue, Result } from '../../domain/index';
import { recordAuditEvent } from '../auth/audit-log';
import { createUser, disableUser, listUsers, newUserSchema, resetPassword, setUserSites, type UserSummary } from '../auth/users';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { passwordBodySchema, sitesBodySchema, userIdParamsSchema } from '../../domain/wire';
import { replyBadRequest, replyError } from './reply-error';

/** A store refusal as the API's answer: an unknown id is 404, a taken username 409, the rest 400 with the field. */
function replyRefused(reply: FastifyReply, issues: readonly Issue[]): FastifyReply {
  const [first] = issues;
  const message = first ? `${first.path}: ${first.message}` : 'refused';
  if (first?.path === 'id') return replyError(reply, 404, 'not-found', message, { path: 'id' });
  if (first?.message.includes('is taken')) return replyError(reply, 409, 'conflict', message, { path: first.path });
  return replyError(reply, 400, 'bad-request', message, first ? { path: first.path } : {});
}

const sendUser = (reply: FastifyReply, result: Result<UserSummary>, status = 200): FastifyReply =>
  result.ok ? reply.code(status).send({ ...result.value, siteKeys: [...result.value.siteKeys] }) : replyRefused(reply, result.issues);

/** The admin's account management; every change lands in the audit log with who did it. */
export function userRoutes(services: ServerServices) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    const { db } = services;

    app.get(fastifyPathOf(API_ROUTES.listUsers), { onRequest: guardFor(services, API_ROUTES.listUsers) }, async (_request, reply) =>
      reply.send({ users: (await listUsers(db)).map((u) => ({ ...u, siteKeys: [...u.siteKeys] })) }),
    );

    app.post(fastifyPathOf(API_ROUTES.createUser), { onRequest: guardFor(services, API_ROUTES.createUser) }, async (request, reply) => {
      const body = newUserSchema.safeParse(request.body);
      if (!body.success) return replyBadRequest(reply, body.error);
      const created = await createUser(db, body.data);
      if (created.ok)
        await recordAuditEvent(db, {
          action: 'user-created',
          actor: principalOf(request),
          target: created.value.username,
          ip: request.ip,
          detail: { role: created.value.role, siteKeys: [...created.value.siteKeys] },
        });
      return sendUser(reply, created, 201);
    });

    app.post(fastifyPathOf(API_ROUTES.disableUser), { onRequest: guardFor(services, API_ROUTES.disableUser) }, async (request, reply) => {
      const params = userIdParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const actor = principalOf(request);
      if (params.data.id === actor.userId)
        return replyError(reply, 400, 'bad-request', 'you cannot disable your own account: ask another admin', { path: 'id' });
      const disabled = await disableUser(db, params.data.id);
      if (disabled.ok)
        await recordAuditEvent(db, { action: 'user-disabled', actor, target: disabled.value.username, ip: request.ip });
      return sendUser(reply, disabled);
    });

    app.post(fastifyPathOf(API_ROUTES.resetPassword), { onRequest: guardFor(services, API_ROUTES.resetPassword) }, async (request, reply) => {
      const params = userIdParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const body = passwordBodySchema.safeParse(request.body);
      if (!body.success) return replyBadRequest(reply, body.error);
      const reset = await resetPassword(db, params.data.id, body.data.password);
      if (reset.ok)
        await recordAuditEvent(db, { action: 'password-reset', actor: principalOf(request), target: reset.value.username, ip: request.ip });
      return sendUser(reply, reset);
    });

    app.put(fastifyPathOf(API_ROUTES.setUserSites), { onRequest: guardFor(services, API_ROUTES.setUserSites) }, async (request, reply) => {
      const params = userIdParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const body = sitesBodySchema.safeParse(request.body);
      if (!body.success) return replyBadRequest(reply, body.error);
      const set = await setUserSites(db, params.data.id, body.data.siteKeys);
      if (set.ok)
        await recordAuditEvent(db, {
          action: 'sites-set',
          actor: principalOf(request),
          target: set.value.username,
          ip: request.ip,
          detail: { siteKeys: [...set.value.siteKeys] },
        });
      return sendUser(reply, set);
    });
    done();
  };
}
