import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { formatPath } from '../../domain/index';
import type { ErrorBody, ErrorCode } from '../../domain/wire';

export function replyError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  details: Omit<ErrorBody['error'], 'code' | 'message'> = {},
): FastifyReply {
  const body: ErrorBody = { error: { code, message, ...details } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** A 400 naming where the request is wrong, from zod's issues (`sha256: must be 64 lower-case hex digits`). */
export function replyBadRequest(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issues = error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const [first] = issues;
  return replyError(reply, 400, 'bad-request', first ? `${first.path}: ${first.message}` : 'the request is not valid', {
    ...(first ? { path: first.path } : {}),
    issues,
  });
}
