import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import type { ErrorCode } from '../../domain/wire';
import { UploadRateLimiter } from '../auth/rate-limit';
import { auditRoutes } from './audit-routes';
import { backupRoutes } from './backup-routes';
import { bundleRoutes } from './bundle-routes';
import { downSyncRoutes } from './downsync-routes';
import { rankingRoutes } from './ranking-routes';
import { headOfficeRoutes } from './head-office-routes';
import { refuseCrossSiteWrites } from './csrf';
import { auditLogRoutes } from './audit-log-routes';
import { deviceRoutes } from './device-routes';
import { sessionRoutes } from './session-routes';
import { userRoutes } from './user-routes';
import { imageRoutes } from './image-routes';
import { openApiDocument } from './openapi';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { replyError } from './reply-error';
import { isAppRoute, registerStaticApp } from './static-app';
import { AddressRateLimiter } from '../auth/address-rate-limit';
import { verifyRoutes } from './verify-routes';
import { handOverRoutes } from './hand-over-routes';

/** Sheet checks one address may ask for per minute: a person checks a few; re-making one costs a second of CPU. */
const VERIFY_PER_MINUTE = 30;

export const SERVER_VERSION = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))).version;

export interface AppOptions {
  readonly services: ServerServices;
  readonly distDir: string;
  readonly maxAuditBytes: number;
  readonly maxImageBytes: number;
  /** Sealed audits one account may send per minute (429 beyond). */
  readonly uploadsPerMinute: number;
  /** Public sheet checks per client address per minute (default 30). */
  readonly verifyPerMinute?: number;
  readonly logger: FastifyServerOptions['logger'];
  /**
   * Reverse proxies whose X-Forwarded-For (the client address the sign-in throttle counts by) and
   * X-Forwarded-Proto (Secure cookies) are believed; false: those headers are ignored.
   */
  readonly trustProxy: false | readonly string[];
  /** PEM certificate and key: HTTPS instead of HTTP (a small site without a reverse proxy). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  /** The address sheets name for their 验证 page (--public-url), handed to tablets by down-sync. */
  readonly publicUrl?: string | undefined;
}

/** Fastify's own request errors, as the API's error codes. */
const FRAMEWORK_ERRORS: Readonly<Record<string, { status: number; code: ErrorCode }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'too-large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported-media-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad-request' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'bad-request' },
};

/** How long a client is asked to wait while the database is away (a PostgreSQL restart takes seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The whole HTTP surface: the API under /api and the built app everywhere else. Not listening yet. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const app = Fastify({
    logger: options.logger,
    // The largest body any route takes; each route sets its own limit below this.
    bodyLimit: Math.max(options.maxAuditBytes, options.maxImageBytes),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: options.trustProxy === false ? false : [...options.trustProxy],
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
  });

  app.setErrorHandler((error, request, reply) => {
    const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
    const known = FRAMEWORK_ERRORS[code];
    if (known?.code === 'too-large')
      return replyError(reply, 413, 'too-large', `the body is larger than this server takes here (${request.routeOptions.bodyLimit} bytes)`);
    if (known) return replyError(reply, known.status, known.code, error instanceof Error ? error.message : String(error));
    const status =
      typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number'
        ? error.statusCode
        : 500;
    if (status >= 400 && status < 500)
      return replyError(reply, status, 'bad-request', error instanceof Error ? error.message : String(error));
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'the database is unavailable');
      return replyError(
        reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)),
        503,
        'unavailable',
        'the database is unavailable for the moment; nothing was acknowledged, so send it again shortly',
      );
    }
    request.log.error({ err: error }, 'request failed');
    return replyError(reply, 500, 'internal', 'the server could not complete the request (it is logged); nothing was acknowledged, so send it again');
  });

  app.addHook('onRequest', refuseCrossSiteWrites);

  const hasApp = await registerStaticApp(app, options.distDir);
  app.setNotFoundHandler((request, reply) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && isAppRoute(request.url)) {
      if (!hasApp)
        return replyError(reply, 404, 'app-not-built', `the app is not built in ${options.distDir}: run npm run build, then restart the server`);
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return replyError(reply, 404, 'not-found', `nothing at ${request.method} ${request.url.split('?')[0] ?? ''}`);
  });

  app.get(fastifyPathOf(API_ROUTES.health), async (_request, reply) => {
    try {
      await sql`select 1`.execute(services.db);
    } catch (error) {
      return replyError(reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)), 503, 'unavailable', `the database did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { status: 'ok', database: services.databaseKind, schemaVersion: services.schemaVersion, version: SERVER_VERSION };
  });

  const openapi = openApiDocument(Object.values(API_ROUTES), { version: SERVER_VERSION });
  app.get(fastifyPathOf(API_ROUTES.openapi), (_request, reply) => reply.send(openapi));

  // One count per account for single audits and bundles alike.
  const uploads = new UploadRateLimiter(options.uploadsPerMinute);
  await app.register(imageRoutes(services, options.maxImageBytes));
  await app.register(auditRoutes(services, options.maxAuditBytes, uploads));
  await app.register(sessionRoutes(services));
  await app.register(userRoutes(services));
  await app.register(deviceRoutes(services));
  await app.register(handOverRoutes(services));
  await app.register(auditLogRoutes(services));
  await app.register(bundleRoutes(services, uploads));
  await app.register(downSyncRoutes(services, options.publicUrl));
  await app.register(headOfficeRoutes(services));
  await app.register(rankingRoutes(services));
  await app.register(backupRoutes(services));
  await app.register(verifyRoutes(services, new AddressRateLimiter(options.verifyPerMinute ?? VERIFY_PER_MINUTE)));
  return app;
}
