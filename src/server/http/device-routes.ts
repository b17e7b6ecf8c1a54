import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { isEnrolmentProofValid, readDeviceKeyFile, shortKeyId } from '../../domain/index';
import { nodeVerifier } from '../../crypto/node-verifier';
import { recordAuditEvent } from '../auth/audit-log';
import { issueChallenge, takeChallenge } from '../auth/enrolment-challenges';
import { tokenHashOf } from '../auth/sessions';
import type { Database } from '../db/tables';
import { enrolDeviceKey, revokeDeviceKey } from '../intake/key-register-store';
import { reconsiderHeldAudits } from '../intake/reconsider-held';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';
import { enrolDeviceBodySchema, keyIdParamsSchema, revokeDeviceBodySchema } from '../../domain/wire';
import { replyBadRequest, replyError } from './reply-error';
import { sessionTokenOf } from './session-cookie';

/** The session a challenge is bound to; the guard has already found it valid, so a token is there. */
const sessionHashOf = (request: FastifyRequest): string => tokenHashOf(sessionTokenOf(request) ?? '');

async function devices(db: Kysely<Database>, keyId?: string) {
  let query = db
    .selectFrom('device_keys')
    .leftJoin('users', 'users.id', 'device_keys.user_id')
    .select([
      'device_keys.key_id',
      'device_keys.device_label',
      'device_keys.auditor',
      'device_keys.user_id',
      'users.username',
      'device_keys.enrolled_at',
      'device_keys.revoked_at',
      'device_keys.revoked_reason',
    ])
    .orderBy('device_keys.enrolled_at')
    .orderBy('device_keys.key_id');
  if (keyId !== undefined) query = query.where('device_keys.key_id', '=', keyId);
  const rows = await query.execute();
  return rows.map((row) => ({
    keyId: row.key_id,
    fingerprint: shortKeyId(row.key_id),
    deviceLabel: row.device_label,
    auditor: row.auditor,
    userId: row.user_id,
    username: row.username,
    enrolledAt: row.enrolled_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedReason: row.revoked_reason,
  }));
}

/** Tablet keys: an auditor's tablet enrols itself after sign-in; admins see the register and revoke. */
export function deviceRoutes(services: ServerServices) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    const { db } = services;

    app.post(
      fastifyPathOf(API_ROUTES.enrolmentChallenge),
      { onRequest: guardFor(services, API_ROUTES.enrolmentChallenge) },
      async (request, reply) => {
        const principal = principalOf(request);
        const challenge = await issueChallenge(db, sessionHashOf(request), principal.userId);
        return reply.code(201).send({ ...challenge, userId: principal.userId });
      },
    );

    app.post(fastifyPathOf(API_ROUTES.enrolDevice), { onRequest: guardFor(services, API_ROUTES.enrolDevice) }, async (request, reply) => {
      const body = enrolDeviceBodySchema.safeParse(request.body);
      if (!body.success) return replyBadRequest(reply, body.error);
      const content = await readDeviceKeyFile(body.data.keyFile, nodeVerifier);
      if (!content.ok) {
        const [first] = content.issues;
        return replyError(reply, 400, 'bad-request', `keyFile.${first?.path ?? ''}: ${first?.message ?? 'not a key file'}`, {
          path: `keyFile.${first?.path ?? ''}`,
        });
      }
      const principal = principalOf(request);
      const { proof } = body.data;
      if (proof === undefined)
        return replyError(
          reply,
          400,
          'bad-request',
          '这台平板的应用版本过旧，无法证明持有此密钥：请更新应用（联网后刷新页面）再登录。(This app is too old to prove it holds the key: update it and sign in again.)',
          { path: 'proof' },
        );
      // Used up before the signature is checked: a nonce is good for one attempt, whatever its outcome.
      const challenge = await takeChallenge(db, proof.nonce, sessionHashOf(request), principal.userId);
      const refuse = (message: string, path: string) => replyError(reply, 403, 'forbidden', message, { path });
      if (challenge === 'unknown')
        return refuse('登记验证码无效或已用过：请重新登录再试。(The challenge is unknown, already used, or was issued to another session.)', 'proof.nonce');
      if (challenge === 'expired')
        return refuse('登记验证码已过期：请重新登录再试。(The challenge has expired.)', 'proof.nonce');
      if (!(await isEnrolmentProofValid(nodeVerifier, content.value.file.publicKey, proof, principal.userId))) {
        await recordAuditEvent(db, {
          action: 'device-enrol-refused',
          actor: principal,
          target: content.value.keyId,
          ip: request.ip,
          detail: { reason: 'the challenge is not signed by this key' },
        });
        return refuse(
          '登记验证码不是用此密钥签名的：只有持有该密钥的平板才能登记它。(The challenge is not signed by this key: only the tablet holding it can enrol it.)',
          'proof.signature',
        );
      }
      const [existing] = await devices(db, content.value.keyId);
      if (existing?.revokedAt === null && existing.userId === principal.userId) return reply.code(200).send(existing);
      if (existing)
        return replyError(
          reply,
          409,
          'conflict',
          existing.revokedAt !== null
            ? `key ${existing.fingerprint} was revoked on ${existing.revokedAt}; a revoked key is never enrolled again: make a new key on the tablet`
            : `key ${existing.fingerprint} is already enrolled to ${existing.username ?? `no account (by hand, for ${existing.auditor})`}; an admin must revoke it first`,
          { path: 'keyFile.publicKey' },
        );
      // The session is the proof of who this is, so the fingerprint is the key's own (no typed confirmation).
      const enrolled = await enrolDeviceKey(db, content.value, {
        fingerprint: content.value.fingerprint,
        at: new Date().toISOString(),
        auditor: principal.displayName,
        userId: principal.userId,
      });
      if (!enrolled.ok) {
        const [first] = enrolled.issues;
        return replyError(reply, 409, 'conflict', `${first?.path ?? ''}: ${first?.message ?? 'not enrolled'}`);
      }
      await recordAuditEvent(db, {
        action: 'device-enrolled',
        actor: principal,
        target: enrolled.value.keyId,
        ip: request.ip,
        detail: { deviceLabel: enrolled.value.deviceLabel },
      });
      // Audits this key sealed may already wait as 待确认 (a bundle dropped before its tablet signed in): they count now.
      // The key is enrolled either way; a failed re-check leaves them held, for the next enrolment to try again.
      await reconsiderHeldAudits(services).catch((error: unknown) => {
        request.log.error({ err: error }, 'reconsidering held audits after an enrolment failed');
      });
      const [device] = await devices(db, enrolled.value.keyId);
      return reply.code(201).send(device);
    });

    app.get(fastifyPathOf(API_ROUTES.listDevices), { onRequest: guardFor(services, API_ROUTES.listDevices) }, async (_request, reply) =>
      reply.send({ devices: await devices(db) }),
    );

    app.post(fastifyPathOf(API_ROUTES.revokeDevice), { onRequest: guardFor(services, API_ROUTES.revokeDevice) }, async (request, reply) => {
      const params = keyIdParamsSchema.safeParse(request.params);
      if (!params.success) return replyBadRequest(reply, params.error);
      const body = revokeDeviceBodySchema.safeParse(request.body ?? {});
      if (!body.success) return replyBadRequest(reply, body.error);
      const [existing] = await devices(db, params.data.keyId);
      if (!existing) return replyError(reply, 404, 'not-found', `no key ${params.data.keyId} in the register`, { path: 'keyId' });
      const revoked = await revokeDeviceKey(db, params.data.keyId, new Date().toISOString(), body.data.reason);
      if (!revoked.ok) return replyError(reply, 409, 'conflict', revoked.issues[0]?.message ?? 'not revoked', { path: 'keyId' });
      await recordAuditEvent(db, {
        action: 'device-revoked',
        actor: principalOf(request),
        target: params.data.keyId,
        ip: request.ip,
        detail: { reason: body.data.reason ?? null, owner: existing.username },
      });
      const [device] = await devices(db, params.data.keyId);
      return reply.send(device);
    });
    done();
  };
}
