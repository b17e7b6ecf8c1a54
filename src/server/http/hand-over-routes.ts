import type { FastifyInstance } from 'fastify';
import { auditIdParamsSchema, handOverBodySchema, type HandOver } from '../../domain/wire';
import { recordAuditEvent } from '../auth/audit-log';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { replyBadRequest, replyError } from './reply-error';

/**
 * POST /api/audits/{id}/hand-over: head office gives an accepted audit to another auditor (one who left, a tablet
 * lost), so that their correction is stored rather than held as a conflict. Its own plugin: the audit routes read
 * JSON as raw bytes for the seal.
 */
export function handOverRoutes(services: ServerServices) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    const { db } = services;
    const route = API_ROUTES.handOverAudit;
    app.post(fastifyPathOf(route), { onRequest: guardFor(services, route) }, async (request, reply) => {
      const params = auditIdParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const body = handOverBodySchema.safeParse(request.body);
      if (!body.success) return replyBadRequest(reply, body.error);
      const principal = principalOf(request);
      const audit = await db.selectFrom('accepted_revisions').select(['audit_id', 'lineage_id', 'revision']).where('audit_id', '=', params.data.id).executeTakeFirst();
      if (!audit) return replyError(reply, 404, 'not-found', `没有已接收的稽核 ${params.data.id} (no accepted audit with this id)`, { path: 'id' });
      const to = await db.selectFrom('users').select(['id', 'username', 'role', 'disabled_at']).where('id', '=', body.data.toUserId).executeTakeFirst();
      if (to?.role !== 'auditor' || to.disabled_at !== null)
        return replyError(reply, 422, 'bad-request', `账号 ${body.data.toUserId} 不是在用的稽核员，不能接手稽核 (not an active auditor)`, { path: 'toUserId' });
      const at = new Date().toISOString();
      // The hand-over and its audit-log entry together or not at all: an intake decision never rests on an unattributed row.
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('hand_overs')
          .values({ audit_id: audit.audit_id, lineage_id: audit.lineage_id, to_user_id: to.id, reason: body.data.reason, by_user_id: principal.userId, at })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAuditEvent(trx, {
          action: 'audit-handed-over',
          actor: principal,
          target: audit.audit_id,
          ip: request.ip,
          detail: { lineageId: audit.lineage_id, revision: audit.revision, toUserId: to.id, toUsername: to.username, reason: body.data.reason },
        });
        return inserted;
      });
      const handOver: HandOver = {
        id: row.id,
        auditId: audit.audit_id,
        lineageId: audit.lineage_id,
        toUserId: to.id,
        toUsername: to.username,
        reason: body.data.reason,
        byUserId: principal.userId,
        at,
      };
      return reply.code(201).send(handOver);
    });
    done();
  };
}
