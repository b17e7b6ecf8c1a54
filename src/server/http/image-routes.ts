import type { FastifyInstance } from 'fastify';
import { imageTypeOf } from '../../domain/index';
import type { ServerServices } from '../services';
import { sha256Of } from '../store/blob-store';
import { API_ROUTES, fastifyPathOf, IMAGE_CONTENT_TYPES } from './api-routes';
import { sha256ParamsSchema } from '../../domain/wire';
import { mayReadImage, recordImageUpload } from '../auth/image-scope';
import { guardFor, principalOf } from './auth-guard';
import { replyBadRequest, replyError } from './reply-error';

/**
 * PUT and GET /api/images/{sha256}: images as raw bytes, content-addressed, fsynced before the answer. Read
 * back only by those who may (mayReadImage); to anyone else an image is as absent as one never stored.
 */
export function imageRoutes(services: ServerServices, maxImageBytes: number) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    // Images arrive as bytes: no JSON or text parsing in this scope.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser([...IMAGE_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: maxImageBytes }, (_request, body, done) => {
      done(null, body);
    });

    const { putImage, getImage } = API_ROUTES;
    app.put(fastifyPathOf(putImage), { bodyLimit: maxImageBytes, onRequest: guardFor(services, putImage) }, async (request, reply) => {
      const params = sha256ParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const { body } = request;
      if (!(body instanceof Uint8Array))
        return replyError(reply, 415, 'unsupported-media-type', `send the image bytes as ${IMAGE_CONTENT_TYPES.join(', ')}`);
      const actual = sha256Of(body);
      if (actual !== params.data.sha256)
        return replyError(
          reply,
          422,
          'hash-mismatch',
          `the bytes received (${body.length} bytes) have SHA-256 ${actual}, not the ${params.data.sha256} in the address: the upload was changed or cut short`,
          { path: 'sha256' },
        );
      if (imageTypeOf(body) === undefined)
        return replyError(reply, 422, 'not-an-image', 'the bytes are neither a JPEG nor a PNG image', { path: '(body)' });
      await services.blobs.put(body);
      // Also when the bytes were already here: sending them proves the sender has them. New or not is said for
      // this sender alone: "already stored" would confirm that someone else holds these bytes.
      const isNew = await recordImageUpload(services.db, principalOf(request).userId, actual);
      return reply.code(isNew ? 201 : 200).send({ status: isNew ? 'stored' : 'unchanged', sha256: actual, size: body.length });
    });

    app.get(fastifyPathOf(getImage), { onRequest: guardFor(services, getImage) }, async (request, reply) => {
      const params = sha256ParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const { sha256 } = params.data;
      // 404, never 403: a refusal must not confirm that someone else's image with this hash exists.
      const absent = () => replyError(reply, 404, 'not-found', `no image ${sha256} here that you may read`);
      if (!(await mayReadImage(services.db, principalOf(request), sha256))) return absent();
      const bytes = await services.blobs.read(sha256);
      // The blob store also holds envelopes: only images are served here.
      const type = bytes ? imageTypeOf(bytes) : undefined;
      if (!bytes || type === undefined) return absent();
      return reply
        .header('cache-control', 'private, max-age=31536000, immutable')
        .type(type)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    done();
  };
}

