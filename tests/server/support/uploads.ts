import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  makeDeviceKeyFile,
  proveEnrolment,
  readDeviceKeyFile,
  sealAudit,
  sha256Hex,
  type Audit,
  type DeviceKeyFile,
  type EnrolledKey,
  type EnrolmentProof,
  type Grade,
  type Rubric,
  type SealedEnvelope,
  type SealSigner,
} from '../../../src/domain/index';
import { nodeVerifier } from '../../../src/crypto/node-verifier';
import { enrolmentChallengeSchema } from '../../../src/domain/wire';
import type { Database } from '../../../src/server/db/tables';
import { enrolDeviceKey } from '../../../src/server/intake/key-register-store';
import { loadGrades, loadRubric } from '../../support/load';
import type { ApiClient } from './sessions';
import { finalisedAudit, imagesOf } from '../../support/sealed-audit';

export const kf01 = loadRubric('KF01');
const kf01Grades: Record<string, Grade> = Object.fromEntries(
  Object.entries(loadGrades(kf01, 'kf01-mixed')).flatMap(([unit, grade]) => (grade ? [[unit, grade]] : [])),
);
const firstUnit = Object.keys(kf01Grades)[0] ?? '1';

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

async function answerOf(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: response.status, body, headers: response.headers };
}

export async function putImage(client: ApiClient, bytes: Uint8Array, sha256 = sha256Hex(bytes), type = 'image/jpeg'): Promise<HttpAnswer> {
  return answerOf(
    await fetch(`${client.baseUrl}/api/images/${sha256}`, {
      method: 'PUT',
      headers: { ...client.headers, 'content-type': type },
      body: Buffer.from(bytes),
    }),
  );
}

/** Uploads every image of the fixture audits (tests/support/sealed-audit.ts imagesOf). */
export async function putFixtureImages(client: ApiClient): Promise<void> {
  for (const bytes of imagesOf().values()) {
    const answer = await putImage(client, bytes);
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`image upload: ${answer.status}`);
  }
}

/** POSTs a sealed envelope: an object is sent as its JSON, bytes or text exactly as given. */
export async function postAudit(client: ApiClient, body: unknown, contentType = 'application/json'): Promise<HttpAnswer> {
  const payload = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body);
  return answerOf(
    await fetch(`${client.baseUrl}/api/audits`, { method: 'POST', headers: { ...client.headers, 'content-type': contentType }, body: payload }),
  );
}

export async function getJson(url: string, client?: ApiClient): Promise<HttpAnswer> {
  return answerOf(await fetch(url, { headers: { ...client?.headers } }));
}

/** Any API call as a client: JSON bodies sent as JSON, the answer read as JSON when it is. */
export async function call(client: ApiClient, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
  return answerOf(
    await fetch(`${client.baseUrl}${path}`, {
      method,
      headers: { ...client.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

/** A finalised KF01 audit (kf01-mixed grades, a photo and both signatures) with an id of its own. */
export function freshAudit(options: { note?: string; site?: string; rubric?: Rubric } = {}): Audit {
  const id = randomUUID();
  const audit = finalisedAudit(options.rubric ?? kf01, kf01Grades, {
    photoUnit: firstUnit,
    notes: { [firstUnit]: options.note ?? '前台无人接待' },
    ...(options.site ? { site: options.site } : {}),
  });
  return { ...audit, id, lineageId: id };
}

const sealedAt = '2026-11-24T02:30:00.000Z';

export async function seal(
  audit: Audit,
  signer: SealSigner,
  options: { previousHash?: string; rubric?: Rubric; sealedAt?: string; images?: Map<string, Uint8Array> } = {},
): Promise<SealedEnvelope> {
  const blobs = new Map([...(options.images ?? imagesOf())].map(([id, bytes]) => [id, { bytes, type: 'image/jpeg' }]));
  const result = await sealAudit(
    {
      audit,
      rubric: options.rubric ?? kf01,
      blobs,
      sealedAt: options.sealedAt ?? sealedAt,
      ...(options.previousHash ? { previousHash: options.previousHash } : {}),
    },
    signer,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

/** Revision 2 of a sealed audit: every unit regraded compliant, chained to the given predecessor hash. */
export function revisionTwo(first: Audit): Audit {
  const id = randomUUID();
  return {
    ...first,
    id,
    revision: 2,
    previousId: first.id,
    amendReason: '更正: 复核后改判',
    answers: first.answers.map((a) => ({ ...a, grade: 'compliant' })),
  };
}

/**
 * What a tablet sends to POST /api/devices: its key file and a fresh challenge (asked for in this client's
 * session) signed by the key, as the app's sign-in does.
 */
export async function enrolmentBody(client: ApiClient, signer: SealSigner, keyFile: DeviceKeyFile): Promise<{ keyFile: DeviceKeyFile; proof: EnrolmentProof }> {
  const challenge = await call(client, 'POST', '/api/devices/challenge');
  if (challenge.status !== 201) throw new Error(`challenge: ${challenge.status} ${JSON.stringify(challenge.body)}`);
  const { nonce, userId } = enrolmentChallengeSchema.parse(challenge.body);
  return { keyFile, proof: await proveEnrolment(signer, nonce, userId) };
}

/** Enrols a tablet's key over HTTP as its signed-in auditor: challenge, signature, key file. */
export async function enrolOverHttp(client: ApiClient, signer: SealSigner, keyFile: DeviceKeyFile): Promise<HttpAnswer> {
  return call(client, 'POST', '/api/devices', await enrolmentBody(client, signer, keyFile));
}

/** Enrols a tablet's key the way head office does: its key file, and the fingerprint the tablet shows. */
export async function enrol(db: Kysely<Database>, signer: SealSigner, auditor = '王小明', userId?: number): Promise<EnrolledKey> {
  const file = await makeDeviceKeyFile(signer, { deviceLabel: '前台平板 3', auditor, createdAt: '2026-11-01T00:00:00.000Z' });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  const content = await readDeviceKeyFile(file.value, nodeVerifier);
  if (!content.ok) throw new Error(JSON.stringify(content.issues));
  const enrolled = await enrolDeviceKey(db, content.value, {
    fingerprint: content.value.fingerprint,
    at: '2026-11-01T00:00:00.000Z',
    ...(userId === undefined ? {} : { userId }),
  });
  if (!enrolled.ok) throw new Error(JSON.stringify(enrolled.issues));
  return enrolled.value;
}
