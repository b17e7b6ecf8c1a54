import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditFactSchema, holdReasonSchema } from '../../domain/head-office';
import { recordAuditEvent } from '../auth/audit-log';
import { keyRefusalFor, mayReadAudit } from '../auth/audit-scope';
import { namableImages } from '../auth/image-scope';
import type { UploadRateLimiter } from '../auth/rate-limit';
import { ingestAudit, type IngestOutcome } from '../intake/ingest-audit';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { auditIdParamsSchema, receivedAuditQuerySchema, type AuditReceipt, type AuditRecord } from '../../domain/wire';
import { decodeCursor, receivedAuditsOf } from '../head-office/received-audits';
import { readScopeOf } from './reader';
import { replyBadRequest, replyError } from './reply-error';

const MAX_LISTED_ISSUES = 20;

function replyOutcome(reply: FastifyReply, outcome: IngestOutcome): FastifyReply {
  const send = (status: number, body: AuditReceipt) => reply.code(status).send(body);
  switch (outcome.kind) {
    case 'stored':
      return send(201, {
        status: 'stored',
        auditId: outcome.auditId,
        revision: outcome.revision,
        sealHash: outcome.sealHash,
        released: [...outcome.released],
      });
    case 'unchanged':
      return send(200, { status: 'unchanged', auditId: outcome.auditId, sealHash: outcome.sealHash });
    case 'held':
      return send(202, {
        status: 'held',
        auditId: outcome.auditId,
        sealHash: outcome.sealHash,
        reason: outcome.reason,
        message: outcome.message,
      });
    case 'conflict':
      return replyError(reply, 409, 'conflict', `${outcome.message}; recorded as a conflict, nothing replaced`, {
        incomingHash: outcome.incomingHash,
        existing: outcome.existing,
      });
    case 'not-json':
      return replyError(reply, 422, 'not-json', outcome.message, { path: '(body)' });
    case 'malformed': {
      const [first] = outcome.issues;
      return replyError(
        reply,
        422,
        'malformed',
        first ? `not a valid sealed audit: ${first.path}: ${first.message}` : 'not a valid sealed audit',
        {
          ...(first ? { path: first.path } : {}),
          issues: outcome.issues.slice(0, MAX_LISTED_ISSUES).map((i) => ({ path: i.path, message: i.message })),
        },
      );
    }
    case 'tampered':
      return replyError(
        reply,
        422,
        'tampered',
        `audit ${outcome.auditId} does not match its seal: ${outcome.findings.map((f) => `${f.what}: ${f.message}`).join('; ')}`,
        { findings: outcome.findings.map((f) => ({ what: f.what, message: f.message })) },
      );
    case 'missing-images':
      return replyError(
        reply,
        422,
        'missing-images',
        `upload these images first (PUT /api/images/{sha256}): ${outcome.missing.map((m) => `${m.kind} ${m.id}`).join(', ')}`,
        { path: 'payload.blobs', missing: [...outcome.missing] },
      );
    case 'revoked-key':
      return replyError(reply, 422, 'revoked-key', `audit ${outcome.auditId} is refused: ${outcome.message}`);
    case 'key-not-enrolled':
      return replyError(reply, 403, 'key-not-enrolled', `audit ${outcome.auditId} is refused: ${outcome.message}`, { path: 'signature' });
  }
}

/** Outcomes worth an entry in the audit log: someone sent what the server will not keep. */
const REFUSALS: ReadonlySet<IngestOutcome['kind']> = new Set(['tampered', 'revoked-key', 'key-not-enrolled']);

async function siteKeyOf(services: ServerServices, auditId: string): Promise<string | undefined> {
  const row = await services.db.selectFrom('accepted_revisions').select('site_key').where('audit_id', '=', auditId).executeTakeFirst();
  return row?.site_key;
}

async function recordOf(services: ServerServices, auditId: string): Promise<AuditRecord | undefined> {
  const accepted = await services.db
    .selectFrom('accepted_revisions')
    .selectAll()
    .where('audit_id', '=', auditId)
    .executeTakeFirst();
  if (accepted)
    return {
      status: 'accepted',
      auditId: accepted.audit_id,
      lineageId: accepted.lineage_id,
      revision: accepted.revision,
      sealHash: accepted.seal_hash,
      signer: accepted.signer,
      envelopeSha256: accepted.envelope_sha256,
      receivedAt: accepted.received_at.toISOString(),
      source: accepted.source,
      facts: auditFactSchema.parse(accepted.facts),
    };
  const held = await services.db.selectFrom('held_entries').selectAll().where('audit_id', '=', auditId).executeTakeFirst();
  if (!held) return undefined;
  return {
    status: 'held',
    auditId: held.audit_id,
    lineageId: held.lineage_id,
    revision: held.revision,
    sealHash: held.seal_hash,
    signer: held.signer,
    envelopeSha256: held.envelope_sha256,
    receivedAt: held.held_at.toISOString(),
    source: held.source,
    reason: holdReasonSchema.parse(held.reason),
    message: held.message,
  };
}

/** POST /api/audits (a sealed envelope, verified over the exact bytes received) and reading them back. */
export function auditRoutes(services: ServerServices, maxAuditBytes: number, limiter: UploadRateLimiter) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    // The seal is checked over exactly what arrived: keep the bytes, parse them ourselves.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: maxAuditBytes }, (_request, body, done) => {
      done(null, body);
    });

    const { postAudit, listAudits, getAudit, getAuditEnvelope } = API_ROUTES;
    app.post(fastifyPathOf(postAudit), { bodyLimit: maxAuditBytes, onRequest: guardFor(services, postAudit) }, async (request, reply) => {
      const principal = principalOf(request);
      const { body } = request;
      if (!(body instanceof Uint8Array))
        return replyError(reply, 415, 'unsupported-media-type', 'send the sealed envelope as application/json');
      const wait = limiter.take(principal.userId);
      if (wait > 0) {
        await recordAuditEvent(services.db, { action: 'upload-throttled', actor: principal, ip: request.ip });
        return replyError(
          reply.header('retry-after', String(wait)),
          429,
          'rate-limited',
          `${principal.username} has sent more audits this minute than this server takes from one account: send again in ${wait} s`,
        );
      }
      // An auditor uploads only what their own enrolled tablets sealed; an admin may forward any audit (a
      // bundle from a tablet that stayed offline), which intake then judges by the key register alone.
      const authorise = (signer: string) => keyRefusalFor(services.db, principal, signer);
      const outcome = await ingestAudit(services, body, `upload by ${principal.username} from ${request.ip}`, {
        mayName: (lineageId, images) => namableImages(services.db, principal, lineageId, images),
        ...(principal.role === 'admin' ? {} : { authorise }),
      });
      request.log.info({ audit: 'auditId' in outcome ? outcome.auditId : undefined, outcome: outcome.kind, user: principal.username }, 'audit upload');
      if (REFUSALS.has(outcome.kind))
        await recordAuditEvent(services.db, {
          action: 'upload-refused',
          actor: principal,
          ip: request.ip,
          ...('auditId' in outcome ? { target: outcome.auditId } : {}),
          detail: { outcome: outcome.kind, ...('message' in outcome ? { message: outcome.message } : {}) },
        });
      return replyOutcome(reply, outcome);
    });

    /** The audit if this user may read it, else the reply already sent (400, 404 or 403). */
    const readable = async (request: FastifyRequest, reply: FastifyReply): Promise<{ record: AuditRecord } | { refused: FastifyReply }> => {
      const params = auditIdParamsSchema.safeParse(request.params);
      if (!params.success) return { refused: replyBadRequest(reply, params.error) };
      const record = await recordOf(services, params.data.id);
      if (!record) return { refused: replyError(reply, 404, 'not-found', `audit ${params.data.id} is neither accepted nor held here`) };
      const principal = principalOf(request);
      const siteKey = record.status === 'accepted' ? await siteKeyOf(services, record.auditId) : undefined;
      if (!(await mayReadAudit(services.db, principal, { signer: record.signer, siteKey })))
        return {
          refused: replyError(
            reply,
            403,
            'forbidden',
            principal.role === 'site-manager'
              ? `audit ${record.auditId} is not of a site ${principal.username} manages`
              : `audit ${record.auditId} was sealed by a key not enrolled to ${principal.username}: an auditor reads only their own audits`,
          ),
        };
      return { record };
    };

    app.get(fastifyPathOf(listAudits), { onRequest: guardFor(services, listAudits) }, async (request, reply) => {
      const query = receivedAuditQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const { cursor: cursorText, ...filters } = query.data;
      const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
      if (cursorText !== undefined && cursor === undefined)
        return replyError(reply, 400, 'bad-request', 'cursor: 不是上一页返回的 nextCursor (not a cursor this server gave)', { path: 'cursor' });
      return reply.send(await receivedAuditsOf(services.db, { ...filters, cursor }, readScopeOf(request)));
    });

    app.get(fastifyPathOf(getAudit), { onRequest: guardFor(services, getAudit) }, async (request, reply) => {
      const found = await readable(request, reply);
      return 'refused' in found ? found.refused : reply.send(found.record);
    });

    app.get(fastifyPathOf(getAuditEnvelope), { onRequest: guardFor(services, getAuditEnvelope) }, async (request, reply) => {
      const found = await readable(request, reply);
      if ('refused' in found) return found.refused;
      const { record } = found;
      const bytes = await services.blobs.read(record.envelopeSha256);
      // The database names a blob the store lacks: damage to report loudly (500, logged), never a quiet 404.
      if (!bytes) throw new Error(`audit ${record.auditId}: its envelope ${record.envelopeSha256} is missing from the blob store`);
      return reply
        .type('application/json; charset=utf-8')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    done();
  };
}
