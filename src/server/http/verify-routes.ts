import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { keyId, verifyEnvelope, type EnrolledKey, type SealedEnvelope } from '../../domain/index';
import { verifySealBodySchema, type SheetVerdict } from '../../domain/wire';
import { nodeVerifier } from '../../crypto/node-verifier';
import { checkSheet } from '../../verify/check-sheet';
import { sealedRecordOf, signerStatus } from '../../verify/signer-status';
import type { AddressRateLimiter } from '../auth/address-rate-limit';
import type { Database } from '../db/tables';
import { enrolledKeyOfRow } from '../intake/sql-intake-repository';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor } from './auth-guard';
import { replyBadRequest, replyError } from './reply-error';

/** A score sheet is a few MB at most (photos are embedded as taken, resized); a larger body is not one. */
export const MAX_SHEET_BYTES = 32 * 1024 * 1024;
export const SHEET_CONTENT_TYPES = ['application/pdf', 'application/octet-stream'] as const;

async function enrolledKey(db: Kysely<Database>, envelope: SealedEnvelope): Promise<EnrolledKey | undefined> {
  const row = await db.selectFrom('device_keys').selectAll().where('key_id', '=', keyId(envelope.payload.publicKey)).executeTakeFirst();
  return row ? enrolledKeyOfRow(row) : undefined;
}

/**
 * The verification page's API, open to anyone holding a sheet (no sign-in: whoever was handed the paper
 * may check it). It only ever names the owner of a key whose valid signature the caller presents, so the
 * register cannot be listed by asking; each address is limited, since re-making a sheet costs CPU.
 */
export function verifyRoutes(services: ServerServices, limiter: AddressRateLimiter) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    const throttled = (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
      const wait = limiter.take(request.ip);
      if (wait === 0) return undefined;
      return replyError(
        reply.header('retry-after', String(wait)),
        429,
        'rate-limited',
        `核对次数已达上限，请 ${wait} 秒后再试 (too many checks from this address; try again in ${wait} s)`,
      );
    };

    app.addContentTypeParser([...SHEET_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: MAX_SHEET_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    app.post(fastifyPathOf(API_ROUTES.verifySheet), { bodyLimit: MAX_SHEET_BYTES, onRequest: guardFor(services, API_ROUTES.verifySheet) }, async (request, reply) => {
      const refused = throttled(request, reply);
      if (refused) return refused;
      const { body } = request;
      if (!(body instanceof Uint8Array))
        return replyError(reply, 415, 'unsupported-media-type', '请以 application/pdf 发送 PDF 文件本身 (send the PDF bytes as application/pdf)');
      let verdict: SheetVerdict;
      try {
        const check = await checkSheet(body);
        const envelope = check.kind === 'unsigned' ? undefined : check.envelope;
        const timeZone = check.kind === 'intact' ? check.timeZone : null;
        // Only a seal whose signature holds names a key: a tampered envelope could carry anyone's public key.
        const isSignatureGood = check.kind === 'intact' || (check.kind === 'cannot-check' && envelope !== undefined);
        verdict = {
          sheet: check.kind,
          message:
            check.kind === 'intact'
              ? `the pages show exactly what the seal says (re-made byte for byte by renderer version ${String(check.rendererVersion)})`
              : check.message,
          findings: check.kind === 'tampered' ? [...check.findings] : [],
          rendererVersion: check.kind === 'intact' ? check.rendererVersion : null,
          publicUrl: check.kind === 'intact' ? (check.publicUrl ?? null) : null,
          record: envelope ? sealedRecordOf(envelope, timeZone) : null,
          signer: envelope && isSignatureGood ? signerStatus(await enrolledKey(services.db, envelope), envelope) : null,
        };
      } catch (error) {
        // A file crafted to trip the scanner is still just a file that is not a sheet.
        request.log.warn({ err: error }, 'verify: unreadable PDF');
        return replyError(reply, 422, 'malformed', '无法读取此 PDF (this PDF cannot be read)');
      }
      return reply.send(verdict);
    });

    app.post(fastifyPathOf(API_ROUTES.verifySeal), { onRequest: guardFor(services, API_ROUTES.verifySeal) }, async (request, reply) => {
      const refused = throttled(request, reply);
      if (refused) return refused;
      const body = verifySealBodySchema.safeParse(request.body);
      if (!body.success) return replyBadRequest(reply, body.error);
      const check = await verifyEnvelope(body.data.envelope, nodeVerifier);
      if (check.status === 'malformed')
        return replyError(reply, 422, 'malformed', `envelope.${check.issues[0]?.path ?? ''}: ${check.issues[0]?.message ?? 'not a sealed envelope'}`, {
          path: `envelope.${check.issues[0]?.path ?? ''}`,
        });
      if (check.status === 'tampered')
        return replyError(reply, 422, 'tampered', `the seal does not hold (${check.findings.map((f) => f.what).join(', ')}): it names no signer`, {
          path: 'envelope',
        });
      const { envelope } = check;
      return reply.send({ signer: signerStatus(await enrolledKey(services.db, envelope), envelope) });
    });
    done();
  };
}
