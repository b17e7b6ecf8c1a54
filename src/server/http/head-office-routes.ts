import type { FastifyInstance } from 'fastify';
import { auditsCsvOf, isTimeZone, unitsCsvOf } from '../head-office/csv';
import { drillDownOf, heatMapOf, trendOf } from '../head-office/detail';
import { filterOptionsOf } from '../head-office/filter-options';
import { conflictsOf, heldAuditsOf } from '../head-office/intake-queue';
import { rankingOf } from '../head-office/ranking';
import type { ServerServices } from '../services';
import { guardFor } from './auth-guard';
import { API_ROUTES, fastifyPathOf, type ApiRouteDoc } from './api-routes';
import {
  csvQuerySchema,
  drillDownQuerySchema,
  filterOptionsQuerySchema,
  headOfficeFilterSchema,
  rankingQuerySchema,
  trendQuerySchema,
} from '../../domain/wire';
import { readScopeOf } from './reader';
import { replyBadRequest, replyError } from './reply-error';

/** The dashboard's questions over every audit in the database, each limited to what the reader may see. */
export function headOfficeRoutes(services: ServerServices) {
  const { db } = services;
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get(fastifyPathOf(API_ROUTES.headOfficeRanking), { onRequest: guardFor(services, API_ROUTES.headOfficeRanking) }, async (request, reply) => {
      const query = rankingQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const { bottomN, ...filter } = query.data;
      return reply.send({ ranking: await rankingOf(db, filter, readScopeOf(request), bottomN) });
    });

    app.get(fastifyPathOf(API_ROUTES.headOfficeTrend), { onRequest: guardFor(services, API_ROUTES.headOfficeTrend) }, async (request, reply) => {
      const query = trendQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const { site, ...filter } = query.data;
      return reply.send({ points: await trendOf(db, filter, readScopeOf(request), site) });
    });

    app.get(fastifyPathOf(API_ROUTES.headOfficeHeatMap), { onRequest: guardFor(services, API_ROUTES.headOfficeHeatMap) }, async (request, reply) => {
      const query = headOfficeFilterSchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      return reply.send(await heatMapOf(db, query.data, readScopeOf(request)));
    });

    app.get(fastifyPathOf(API_ROUTES.headOfficeDrillDown), { onRequest: guardFor(services, API_ROUTES.headOfficeDrillDown) }, async (request, reply) => {
      const query = drillDownQuerySchema.safeParse(request.query);
      if (!query.success) return replyBadRequest(reply, query.error);
      const { site, item, ...filter } = query.data;
      return reply.send({ audits: await drillDownOf(db, filter, readScopeOf(request), site, item) });
    });

    const csvRoute = (route: ApiRouteDoc, make: typeof auditsCsvOf, what: string) =>
      app.get(fastifyPathOf(route), { onRequest: guardFor(services, route) }, async (request, reply) => {
        const query = csvQuerySchema.safeParse(request.query);
        if (!query.success) return replyBadRequest(reply, query.error);
        const { tz, ...filter } = query.data;
        if (!isTimeZone(tz))
          return replyError(reply, 400, 'bad-request', `tz: 不认识的时区 "${tz}" (not an IANA time zone, e.g. Asia/Shanghai)`, { path: 'tz' });
        const csv = await make(db, filter, readScopeOf(request), tz);
        const name = `ducha-${filter.rubricId}-${what}.csv`.replace(/[^\w.-]/g, '_');
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
      });
    app.get(
      fastifyPathOf(API_ROUTES.headOfficeFilterOptions),
      { onRequest: guardFor(services, API_ROUTES.headOfficeFilterOptions) },
      async (request, reply) => {
        const query = filterOptionsQuerySchema.safeParse(request.query);
        if (!query.success) return replyBadRequest(reply, query.error);
        return reply.send(await filterOptionsOf(db, query.data.rubricId));
      },
    );

    app.get(fastifyPathOf(API_ROUTES.headOfficeHeld), { onRequest: guardFor(services, API_ROUTES.headOfficeHeld) }, async (_request, reply) =>
      reply.send({ held: await heldAuditsOf(db) }),
    );
    app.get(fastifyPathOf(API_ROUTES.headOfficeConflicts), { onRequest: guardFor(services, API_ROUTES.headOfficeConflicts) }, async (_request, reply) =>
      reply.send({ conflicts: await conflictsOf(db) }),
    );

    csvRoute(API_ROUTES.headOfficeAuditsCsv, auditsCsvOf, 'audits');
    csvRoute(API_ROUTES.headOfficeUnitsCsv, unitsCsvOf, 'units');
    done();
  };
}
