import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Issue } from '../../domain/head-office';
import { downSync, feedPosition } from '../downsync/down-sync';
import { publishedRubricDocument, publishedRubrics, publishRubric } from '../downsync/published-rubrics';
import { decideProposal, listProposals, proposeSite } from '../downsync/site-proposals';
import { listSites, setSite } from '../downsync/sites-store';
import type { ServerServices } from '../services';
import { recordAuditEvent } from '../auth/audit-log';
import { guardFor, principalOf } from './auth-guard';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import type { ErrorCode } from '../../domain/wire';
import {
  fingerprintParamsSchema,
  proposalIdParamsSchema,
  proposalListQuerySchema,
  siteCodeParamsSchema,
  sinceQuerySchema,
} from '../../domain/wire';
import { sendWithEtag } from './etag';
import { actorOf, proposerOf } from './reader';
import { replyBadRequest, replyError } from './reply-error';

/** A refusal with every problem listed and the first one's path up front. */
function replyIssues(reply: FastifyReply, status: number, code: ErrorCode, what: string, issues: readonly Issue[]): FastifyReply {
  const [first] = issues;
  return replyError(reply, status, code, first ? `${what}: ${first.path}: ${first.message}` : what, {
    ...(first ? { path: first.path } : {}),
    issues: issues.map((i) => ({ path: i.path, message: i.message })),
  });
}

const DECISION_REFUSALS: Readonly<Record<'invalid' | 'not-found' | 'conflict', { status: number; code: ErrorCode }>> = {
  invalid: { status: 400, code: 'bad-request' },
  'not-found': { status: 404, code: 'not-found' },
  conflict: { status: 409, code: 'conflict' },
};

const now = (): string => new Date().toISOString();

/** Down-sync (rubric versions, sites, proposal decisions) and the admin's writes that feed it. */
export function downSyncRoutes(services: ServerServices, publicUrl?: string) {
  const { db } = services;
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get(fastifyPathOf(API_ROUTES.sync), { onRequest: guardFor(services, API_ROUTES.sync) }, async (request, reply) => {
      const query = sinceQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const since = query.data.since ?? 0;
      const proposer = proposerOf(request);
      // The answer is fixed by (since, position, who) and the public address: the same four, the same body.
      // The address is in the tag so a tablet hears of a new one after a restart even when nothing else changed.
      const position = await feedPosition(db);
      const who = proposer === undefined ? '*' : Buffer.from(proposer).toString('base64url');
      const address = publicUrl === undefined ? '-' : createHash('sha256').update(publicUrl).digest('base64url').slice(0, 16);
      const etag = `"sync-${since}-${position}-${who}-${address}"`;
      return sendWithEtag(request, reply, etag, async () => ({
        ...(await downSync(db, since, proposer)),
        ...(publicUrl === undefined ? {} : { publicUrl }),
      }));
    });

    app.get(fastifyPathOf(API_ROUTES.listSites), { onRequest: guardFor(services, API_ROUTES.listSites) }, async (request, reply) => {
      const query = sinceQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const since = query.data.since ?? 0;
      const position = await feedPosition(db);
      return sendWithEtag(request, reply, `"sites-${since}-${position}"`, async () => ({
        cursor: position,
        sites: (await listSites(db, since)).filter((s) => s.changeSeq <= position),
      }));
    });

    app.put(fastifyPathOf(API_ROUTES.putSite), { onRequest: guardFor(services, API_ROUTES.putSite) }, async (request, reply) => {
      const params = siteCodeParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const site = await setSite(db, params.data.code, request.body, now());
      if (!site.ok) return replyIssues(reply, 400, 'bad-request', '管理处信息无效 (the site is not valid)', site.issues);
      await recordAuditEvent(db, { action: 'site-changed', actor: principalOf(request), target: site.value.code, ip: request.ip, detail: { ...site.value } });
      return reply.send(site.value);
    });

    app.get(fastifyPathOf(API_ROUTES.listRubrics), { onRequest: guardFor(services, API_ROUTES.listRubrics) }, async (request, reply) => {
      const query = sinceQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const since = query.data.since ?? 0;
      const position = await feedPosition(db);
      return sendWithEtag(request, reply, `"rubrics-${since}-${position}"`, async () => ({
        cursor: position,
        rubrics: (await publishedRubrics(db, since)).filter((r) => r.changeSeq <= position),
      }));
    });

    app.get(fastifyPathOf(API_ROUTES.getRubric), { onRequest: guardFor(services, API_ROUTES.getRubric) }, async (request, reply) => {
      const params = fingerprintParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const { fingerprint } = params.data;
      const document = await publishedRubricDocument(db, fingerprint);
      if (document === undefined) return replyError(reply, 404, 'not-found', `考核表版本 ${fingerprint} 未在此发布 (not published here)`);
      return sendWithEtag(request, reply, `"${fingerprint}"`, () => Promise.resolve(document));
    });

    app.post(fastifyPathOf(API_ROUTES.publishRubric), { onRequest: guardFor(services, API_ROUTES.publishRubric) }, async (request, reply) => {
      const published = await publishRubric(db, request.body, actorOf(request), now());
      if (!published.ok) return replyIssues(reply, 422, 'malformed', '考核表无效 (not a valid rubric)', published.issues);
      request.log.info({ rubric: published.value.rubric.fingerprint, status: published.value.status }, 'rubric publish');
      if (published.value.status === 'published')
        await recordAuditEvent(db, { action: 'rubric-published', actor: principalOf(request), target: published.value.rubric.fingerprint, ip: request.ip, detail: { rubricId: published.value.rubric.rubricId } });
      return reply.code(published.value.status === 'published' ? 201 : 200).send(published.value);
    });

    app.post(fastifyPathOf(API_ROUTES.proposeSite), { onRequest: guardFor(services, API_ROUTES.proposeSite) }, async (request, reply) => {
      const proposed = await proposeSite(db, request.body, actorOf(request), now());
      if (!proposed.ok)
        return proposed.kind === 'conflict'
          ? replyIssues(reply, 409, 'conflict', '提议冲突 (proposal conflict)', proposed.issues)
          : replyIssues(reply, 400, 'bad-request', '提议无效 (the proposal is not valid)', proposed.issues);
      return reply.code(proposed.value.status === 'recorded' ? 201 : 200).send(proposed.value);
    });

    app.get(fastifyPathOf(API_ROUTES.listSiteProposals), { onRequest: guardFor(services, API_ROUTES.listSiteProposals) }, async (request, reply) => {
      const query = proposalListQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      return reply.send({ proposals: await listProposals(db, query.data.status === 'pending') });
    });

    app.post(fastifyPathOf(API_ROUTES.decideSiteProposal), { onRequest: guardFor(services, API_ROUTES.decideSiteProposal) }, async (request, reply) => {
      const params = proposalIdParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const decided = await decideProposal(db, params.data.id, request.body, actorOf(request), now());
      if (decided.ok) {
        const { proposal } = decided.value;
        await recordAuditEvent(db, { action: 'site-proposal-decided', actor: principalOf(request), target: proposal.id, ip: request.ip, detail: { status: proposal.status, siteCode: proposal.siteCode } });
        return reply.send(decided.value);
      }
      const { status, code } = DECISION_REFUSALS[decided.kind];
      return replyIssues(reply, status, code, '无法处理该提议 (cannot decide this proposal)', decided.issues);
    });
    done();
  };
}
