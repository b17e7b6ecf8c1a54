import type { FastifyInstance } from 'fastify';
import { bytesSource, countBundleAudits, DEFAULT_BUNDLE_LIMITS, type UnusedEntry } from '../../domain/head-office';
import { unusedEntryCodeSchema, type UnusedEntryCode } from '../../domain/wire';
import { recordAuditEvent } from '../auth/audit-log';
import type { UploadRateLimiter } from '../auth/rate-limit';
import { ingestBundle } from '../intake/ingest-bundle';
import type { ServerServices } from '../services';
import { keyRefusalFor } from '../auth/audit-scope';
import { namableImages } from '../auth/image-scope';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { replyError } from './reply-error';

/** The receipt names only the four kinds readBundle reports; any other code would be a reader bug, said plainly. */
function unusedOnWire(unused: UnusedEntry): { entry: string; problem: UnusedEntryCode; message: string } {
  const code = unusedEntryCodeSchema.safeParse(unused.problem.code);
  return { entry: unused.entry, problem: code.success ? code.data : 'stranger', message: unused.reason };
}

/** Buffered whole (the zip directory is at its end); a tablet's month offline with photos fits. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

export const BUNDLE_CONTENT_TYPES = ['application/zip', 'application/json', 'application/octet-stream'] as const;

/**
 * POST /api/bundles: whole `.ducha` files, each audit under the same rules as POST /api/audits, the
 * per-account upload limit included: a bundle counts as many uploads as the audits it offers (at least one),
 * taken all at once before any of them is checked. Over the limit, none is taken (429, send the same file
 * again later) rather than some: the server spends nothing on verifying what it will not keep, and the tablet
 * never has to work out which audits of a file got in.
 */
export function bundleRoutes(services: ServerServices, limiter: UploadRateLimiter) {
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
      const offered = await countBundleAudits(bytesSource(body), { ...DEFAULT_BUNDLE_LIMITS, maxFileBytes: body.byteLength });
      // Unreadable: counted as one upload, and readBundle says below what is wrong with it.
      const counted = Math.max(1, offered ?? 1);
      const wait = limiter.takeMany(principal.userId, counted);
      if (wait === Infinity)
        return replyError(
          reply,
          413,
          'too-large',
          `此 .ducha 文件含 ${counted} 份考核，超过本服务器每个账号每分钟接收的 ${limiter.perMinute} 份，一份也未接收：请分成每个不超过 ${limiter.perMinute} 份考核的文件再上传 (the bundle offers ${counted} audits, more than this server takes from one account in a minute; none was taken in: split it)`,
          { path: 'audits' },
        );
      if (wait > 0) {
        await recordAuditEvent(services.db, { action: 'upload-throttled', actor: principal, ip: request.ip, detail: { bundleAudits: counted } });
        return replyError(
          reply.header('retry-after', String(wait)),
          429,
          'rate-limited',
          `${principal.username} 本分钟上传的考核已达上限，此文件的 ${counted} 份考核一份也未接收：请 ${wait} 秒后重新上传同一文件 (over the per-account upload limit; none of the bundle's ${counted} audits was taken in: send it again in ${wait} s)`,
        );
      }
      // As POST /api/audits: an auditor sends only what their own enrolled tablets sealed; an admin may
      // forward any tablet's bundle, which intake then judges by the key register alone.
      const authorise = (signer: string) => keyRefusalFor(services.db, principal, signer);
      const result = await ingestBundle(services, body, `bundle by ${principal.username} from ${request.ip}`, {
        uploader: principal.userId,
        // A bundle carries its images, recorded as this sender's before its envelope is judged: the same rule as
        // an upload then finds them theirs.
        mayName: (lineageId, images) => namableImages(services.db, principal, lineageId, images),
        ...(principal.role === 'admin' ? {} : { authorise }),
      });
      if (!result.ok) {
        const [first] = result.issues;
        return replyError(reply, 422, 'malformed', `不是可读的 .ducha 文件 (not a readable bundle): ${first?.message ?? ''}`, {
          ...(first ? { path: first.path } : {}),
          issues: result.issues.map((i) => ({ path: i.path, message: i.message })),
        });
      }
      request.log.info({ audits: result.audits.length, unusedEntries: result.unusedEntries.length }, 'bundle upload');
      return reply.send({ audits: [...result.audits], unusedEntries: result.unusedEntries.map(unusedOnWire) });
    });
    done();
  };
}
