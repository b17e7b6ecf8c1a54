import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RowIssue } from '../../domain/head-office';
import { kpiHistoryQuerySchema, kpiUploadQuerySchema, monthQuerySchema } from '../../domain/wire';
import { loadSheetFonts, DEFAULT_FALLBACK_FONT } from '../../verify/sheet-fonts';
import { rankingCsv } from '../../report/ranking/ranking-csv';
import { renderRankingReport } from '../../report/ranking/render-ranking-report';
import { recordAuditEvent } from '../auth/audit-log';
import { kpiFigureHistory, uploadKpiFigures } from '../ranking/kpi-figures-store';
import { monthlyRankingOf } from '../ranking/monthly-ranking';
import { publishRankingDefinition, rankingDefinitions } from '../ranking/ranking-definitions';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { actorOf, readScopeOf } from './reader';
import { replyBadRequest, replyError } from './reply-error';

const MAX_FIGURES_BYTES = 5 * 1024 * 1024;
const FIGURES_CONTENT_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

/** Every refused line, the first up front. */
function replyRefused(reply: FastifyReply, issues: readonly RowIssue[]): FastifyReply {
  const [first] = issues;
  return replyError(reply, 422, 'malformed', first ? `第 ${String(first.line)} 行：${first.reason}` : '文件被拒收', {
    issues: issues.map((i) => ({ path: `line ${String(i.line)}`, message: i.reason })),
  });
}

const attachment = (name: string): string => `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** The month computed on the server: ranking definitions, KPI figures and the 综合排名 with its 通报. */
export function rankingRoutes(services: ServerServices) {
  const { db } = services;
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.addContentTypeParser(FIGURES_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: MAX_FIGURES_BYTES }, (_request, body, parsed) => {
      parsed(null, body);
    });

    app.get(fastifyPathOf(API_ROUTES.listRankingDefinitions), { onRequest: guardFor(services, API_ROUTES.listRankingDefinitions) }, async (_request, reply) =>
      reply.send({ definitions: await rankingDefinitions(db) }),
    );

    app.post(fastifyPathOf(API_ROUTES.publishRankingDefinition), { onRequest: guardFor(services, API_ROUTES.publishRankingDefinition) }, async (request, reply) => {
      const published = await publishRankingDefinition(db, request.body, actorOf(request), new Date().toISOString());
      if (!published.ok) {
        const [first] = published.issues;
        return replyError(reply, 422, 'malformed', first ? `排名定义无效：${first.path}: ${first.message}` : '排名定义无效', {
          ...(first ? { path: first.path } : {}),
          issues: published.issues.map((i) => ({ path: i.path, message: i.message })),
        });
      }
      if (published.value.status === 'published')
        await recordAuditEvent(db, {
          action: 'ranking-definition-published',
          actor: principalOf(request),
          target: published.value.definition.fingerprint,
          ip: request.ip,
          detail: { definitionId: published.value.definition.definitionId },
        });
      return reply.code(published.value.status === 'published' ? 201 : 200).send(published.value);
    });

    app.post(fastifyPathOf(API_ROUTES.uploadKpiFigures), { bodyLimit: MAX_FIGURES_BYTES, onRequest: guardFor(services, API_ROUTES.uploadKpiFigures) }, async (request, reply) => {
      const query = kpiUploadQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const { body } = request;
      if (!(body instanceof Uint8Array)) return replyError(reply, 415, 'unsupported-media-type', `请以 ${FIGURES_CONTENT_TYPES.join(', ')} 发送文件原样的字节`);
      const principal = principalOf(request);
      const uploaded = await uploadKpiFigures(db, { bytes: body, fileName: query.data.fileName, userId: principal.userId, uploadedBy: principal.username, at: new Date().toISOString() });
      if (!uploaded.ok) return replyRefused(reply, uploaded.issues);
      await recordAuditEvent(db, {
        action: 'kpi-figures-uploaded',
        actor: principal,
        target: uploaded.value.fileSha256,
        ip: request.ip,
        detail: { uploadId: uploaded.value.uploadId, fileName: query.data.fileName, newVersions: uploaded.value.newVersions },
      });
      return reply.code(201).send(uploaded.value);
    });

    app.get(fastifyPathOf(API_ROUTES.kpiFigureHistory), { onRequest: guardFor(services, API_ROUTES.kpiFigureHistory) }, async (request, reply) => {
      const query = kpiHistoryQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const scope = readScopeOf(request);
      return reply.send({ figures: await kpiFigureHistory(db, query.data.month, scope.kind === 'sites' ? scope.siteKeys : undefined) });
    });

    const ranked = async (request: Parameters<typeof readScopeOf>[0], reply: FastifyReply) => {
      const query = monthQuerySchema.safeParse(request.query);
      if (!query.success) {
        await replyBadRequest(reply, query.error);
        return undefined;
      }
      const computed = await monthlyRankingOf(db, query.data.month, readScopeOf(request));
      if (!computed) {
        await replyError(reply, 404, 'not-found', '服务器上没有发布综合排名定义');
        return undefined;
      }
      return computed;
    };

    app.get(fastifyPathOf(API_ROUTES.monthlyRanking), { onRequest: guardFor(services, API_ROUTES.monthlyRanking) }, async (request, reply) => {
      const computed = await ranked(request, reply);
      return computed ? reply.send(computed.answer) : reply;
    });

    app.get(fastifyPathOf(API_ROUTES.monthlyRankingCsv), { onRequest: guardFor(services, API_ROUTES.monthlyRankingCsv) }, async (request, reply) => {
      const computed = await ranked(request, reply);
      if (!computed) return reply;
      const { ranking } = computed.answer;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(`${ranking.title}-${ranking.month}.csv`)).send(rankingCsv(ranking));
    });

    app.get(fastifyPathOf(API_ROUTES.monthlyRankingPdf), { onRequest: guardFor(services, API_ROUTES.monthlyRankingPdf) }, async (request, reply) => {
      const computed = await ranked(request, reply);
      if (!computed) return reply;
      const { ranking } = computed.answer;
      const report = renderRankingReport(ranking, computed.definition.bottom.rule, await loadSheetFonts(DEFAULT_FALLBACK_FONT));
      return reply.type('application/pdf').header('content-disposition', attachment(`${ranking.title}-${ranking.month}.pdf`)).send(Buffer.from(report.bytes));
    });
    done();
  };
}
