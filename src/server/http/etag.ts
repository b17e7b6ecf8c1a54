import type { FastifyReply, FastifyRequest } from 'fastify';

/** True when the client already holds this version (If-None-Match, weak or strong, or *). */
export function isFresh(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

/**
 * Sends the body with its ETag, or 304 with no body when the client has it: an idle tablet's sync is
 * one request and a few hundred bytes. `private, no-cache`: always asked again, never kept by proxies.
 */
export function sendWithEtag(request: FastifyRequest, reply: FastifyReply, etag: string, body: () => Promise<unknown>) {
  reply.header('etag', etag).header('cache-control', 'private, no-cache');
  if (isFresh(request, etag)) return reply.code(304).send();
  return body().then((value) => reply.send(value));
}
