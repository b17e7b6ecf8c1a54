import type { FastifyInstance } from 'fastify';
import { ingestBundle } from '../intake/ingest-bundle';
import type { ServerServices } from '../services';
import { keyRefusalFor } from '../auth/audit-scope';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { replyError } from './reply-error';

/** Buffered whole (the zip directory is at its end); a tablet's month offline with photos fits. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

export const BUNDLE_CONTENT_TYPES = ['application/zip', 'application/json', 'application/octet-stream'] as const;

/** POST /api/bundles: whole `.ducha` files, each audit under the same rules as POST /api/audits. */
export function bundleRoutes(services: ServerServices) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser([...BUNDLE_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: MAX_BUNDLE_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    app.post(fastifyPathOf(API_ROUTES.postBundle), { bodyLimit: MAX_BUNDLE_BYTES, onRequest: guardFor(services, API_ROUTES.postBundle) }, async (request, reply) => {
      const { body } = request;
      if (!(body instanceof Uint8Array))
        return replyError(reply, 415, 'unsupported-media-type', '请以 application/zip（格式 2）或 application/json（格式 1）发送 .ducha 文件');
      const principal = principalOf(request);
      // As POST /api/audits: an auditor sends only what their own enrolled tablets sealed; an admin may
      // forward any tablet's bundle, which intake then judges by the key register alone.
      const authorise = (signer: string) => keyRefusalFor(services.db, principal, signer);
      const result = await ingestBundle(services, body, `bundle by ${principal.username} from ${request.ip}`, {
        uploader: principal.userId,
        ...(principal.role === 'admin' ? {} : { authorise }),
      });
      if (!result.ok) {
        const [first] = result.issues;
        return replyError(reply, 422, 'malformed', `不是可读的 .ducha 文件 (not a readable bundle): ${first?.message ?? ''}`, {
          ...(first ? { path: first.path } : {}),
          issues: result.issues.map((i) => ({ path: i.path, message: i.message })),
        });
      }
      request.log.info({ audits: result.audits.length }, 'bundle upload');
      return reply.send({ audits: [...result.audits] });
    });
    done();
  };
}
