import { z } from 'zod';
import { formatIssue, makeDeviceKeyFile, proveEnrolment } from '../../domain/index';
import { deviceSchema, enrolmentChallengeSchema, sessionSchema } from '../../domain/wire';
import type { DuchaDb } from '../../storage/db';
import { getDeviceSigner } from '../../storage/device-key';
import { listOutbox, isUnsent, requeueCurable } from '../../storage/outbox';
import { clearServerLink, readServerLink, saveServerLink, type ServerLink } from '../../storage/server-link';
import { clearSyncState, updateSyncState } from '../../storage/sync-state';
import { callApi, normaliseServerUrl, type ApiFailure } from '../server/api-client';
import { syncEngineFor } from './sync-engine';

export interface SignInForm {
  /** As typed; '' is the origin the app was loaded from. */
  readonly serverUrl: string;
  readonly username: string;
  readonly password: string;
  /** How the server's key register names this tablet. */
  readonly deviceLabel: string;
}

export type SignInResult =
  | { readonly ok: true; readonly link: ServerLink }
  | { readonly ok: false; readonly problem: 'bad-url' }
  | { readonly ok: false; readonly problem: 'sign-in'; readonly failure: ApiFailure };

const isoNow = () => new Date().toISOString();

/**
 * Signs in (POST /api/session) and, for an auditor, enrols this device's key (POST /api/devices with the same key
 * file 设置 exports, and a challenge from POST /api/devices/challenge signed by the key), then stores the link. A refused enrolment still signs in; its reason is kept for 设置 to show
 * and uploads from this key are refused by the server until it is resolved. Refusals that signing in cures go
 * back to waiting, and a pass starts.
 */
export async function signInToServer(db: DuchaDb, form: SignInForm): Promise<SignInResult> {
  const serverUrl = normaliseServerUrl(form.serverUrl);
  if (serverUrl === undefined) return { ok: false, problem: 'bad-url' };
  const session = await callApi(serverUrl, {
    method: 'POST',
    path: '/api/session',
    body: { json: { username: form.username, password: form.password } },
    schema: sessionSchema,
  });
  if (!session.ok) return { ok: false, problem: 'sign-in', failure: session };
  let enrolledKeyId: string | null = null;
  let enrolmentRefused: { at: string; code: string; message: string } | null = null;
  if (session.value.role === 'auditor') {
    const signer = await getDeviceSigner(db, isoNow);
    const file = await makeDeviceKeyFile(signer, {
      deviceLabel: form.deviceLabel.trim() === '' ? session.value.displayName : form.deviceLabel,
      auditor: session.value.displayName,
      createdAt: isoNow(),
    });
    if (!file.ok) {
      enrolmentRefused = { at: isoNow(), code: 'key-file', message: file.issues.map(formatIssue).join('; ') };
    } else {
      // The key file alone can be replayed by anyone who copies it: sign the server's fresh challenge with the key too.
      const challenge = await callApi(serverUrl, { method: 'POST', path: '/api/devices/challenge', schema: enrolmentChallengeSchema });
      const enrolled = challenge.ok
        ? await callApi(serverUrl, {
            method: 'POST',
            path: '/api/devices',
            body: { json: { keyFile: file.value, proof: await proveEnrolment(signer, challenge.value.nonce, challenge.value.userId) } },
            schema: deviceSchema,
          })
        : challenge;
      if (enrolled.ok) enrolledKeyId = enrolled.value.keyId;
      else
        enrolmentRefused = {
          at: isoNow(),
          code: enrolled.kind === 'http' ? (enrolled.error?.error.code ?? `http-${enrolled.status}`) : enrolled.kind,
          message:
            enrolled.kind === 'http'
              ? (enrolled.error?.error.message ?? `HTTP ${enrolled.status}`)
              : enrolled.message,
        };
    }
  }
  const link: ServerLink = { version: 1, serverUrl, session: session.value, signedInAt: isoNow(), enrolledKeyId };
  await saveServerLink({ db }, link);
  await updateSyncState(db, { sessionLost: null, enrolmentRefused });
  if (enrolmentRefused === null) await requeueCurable(db, isoNow());
  void syncEngineFor(db).syncNow();
  return { ok: true, link };
}

/** How many finalised revisions the server has not acknowledged: signing out keeps them, and says how many. */
export async function unsentCount(db: DuchaDb): Promise<number> {
  return (await listOutbox(db)).filter(isUnsent).length;
}

/**
 * Ends the session on the server (DELETE /api/session) when it can be reached and forgets the link. The outbox is
 * never touched: unsent audits stay and go when someone signs in again. Offline, the server's session simply
 * expires by itself.
 */
export async function signOutOfServer(db: DuchaDb): Promise<void> {
  const link = await readServerLink({ db });
  // Forgotten here first: signing out works at once, offline too, whatever the server answers or how long it takes.
  await clearServerLink({ db });
  await clearSyncState(db);
  if (link) await callApi(link.serverUrl, { method: 'DELETE', path: '/api/session', schema: z.undefined() });
}
