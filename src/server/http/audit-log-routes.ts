import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor } from './auth-guard';
import { auditLogQuerySchema } from '../../domain/wire';
import { replyBadRequest } from './reply-error';

const detailSchema = z.record(z.string(), z.unknown());

/** GET /api/audit-log: what admins did, who failed to sign in, which uploads were refused. */
export function auditLogRoutes(services: ServerServices) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get(fastifyPathOf(API_ROUTES.auditLog), { onRequest: guardFor(services, API_ROUTES.auditLog) }, async (request, reply) => {
      const query = auditLogQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      let select = services.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.data.limit);
      if (query.data.action !== undefined) select = select.where('action', '=', query.data.action);
      const rows = await select.execute();
      return reply.send({
        entries: rows.map((row) => ({
          id: row.id,
          at: row.at.toISOString(),
          action: row.action,
          actorUserId: row.actor_user_id,
          actorUsername: row.actor_username,
          target: row.target,
          ip: row.ip,
          detail: detailSchema.parse(row.detail),
        })),
      });
    });
    done();
  };
}
