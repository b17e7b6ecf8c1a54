import type { ApiResponseDoc, ApiRouteDoc } from './api-routes';
import { errorBodySchema } from '../../domain/wire';
import {
  auditLogQuerySchema,
  auditLogSchema,
  deviceListSchema,
  deviceSchema,
  enrolDeviceBodySchema,
  enrolmentChallengeSchema,
  keyIdParamsSchema,
  loginBodySchema,
  passwordBodySchema,
  revokeDeviceBodySchema,
  sessionSchema,
  sitesBodySchema,
  userIdParamsSchema,
  userListSchema,
  userSchema,
} from '../../domain/wire';
import { newUserSchema } from '../auth/users';

// Kept apart from api-routes.ts (which spreads these in) so the account routes read as one piece.

const error = (description: string): ApiResponseDoc => ({ description, schema: errorBodySchema });
export const UNAUTHENTICATED = error('Not signed in: no session cookie, or it is unknown, expired or revoked (unauthenticated)');
export const FORBIDDEN = error(
  'Signed in, but beyond your role (forbidden), or the session cookie came without the x-ducha-csrf: 1 header (csrf)',
);
const ADMIN_ONLY = { 401: UNAUTHENTICATED, 403: FORBIDDEN } as const;
const json = (description: string) => ({ description, contentTypes: ['application/json'] });

export const AUTH_API_ROUTES = {
  login: {
    method: 'post',
    path: '/api/session',
    summary: 'Sign in: sets the HttpOnly session cookie',
    description:
      'Send the x-ducha-csrf: 1 header (as with every write). After 5 failed attempts for one username from one address within a minute, answers 429 with Retry-After.',
    access: 'public',
    body: { ...json('Username and password'), schema: loginBodySchema },
    responses: {
      200: { description: 'Signed in; Set-Cookie carries the session', schema: sessionSchema },
      400: error('Username or password missing'),
      401: error('Wrong username or password, or the account is disabled (invalid-credentials; never says which)'),
      403: error('No x-ducha-csrf: 1 header (csrf)'),
      429: error('Too many failed attempts for this username from this address (rate-limited); see Retry-After'),
    },
  },
  whoAmI: {
    method: 'get',
    path: '/api/session',
    summary: 'Who is signed in, with role, sites and when the session expires',
    access: 'signed-in',
    responses: { 200: { description: 'The signed-in user', schema: sessionSchema }, 401: UNAUTHENTICATED },
  },
  logout: {
    method: 'delete',
    path: '/api/session',
    summary: 'Sign out: revokes this session and clears the cookie',
    access: 'signed-in',
    responses: { 204: { description: 'Signed out' }, ...ADMIN_ONLY },
  },
  listUsers: {
    method: 'get',
    path: '/api/users',
    summary: 'Every account (admins only)',
    access: ['admin'],
    responses: { 200: { description: 'The accounts', schema: userListSchema }, ...ADMIN_ONLY },
  },
  createUser: {
    method: 'post',
    path: '/api/users',
    summary: 'Create an account (admins only)',
    access: ['admin'],
    body: { ...json('The new account; siteKeys only for a site-manager'), schema: newUserSchema },
    responses: {
      201: { description: 'Created', schema: userSchema },
      400: error('A field is missing or invalid (path says which)'),
      ...ADMIN_ONLY,
      409: error('The username is taken (conflict)'),
    },
  },
  disableUser: {
    method: 'post',
    path: '/api/users/{id}/disable',
    summary: 'Disable an account and revoke all its sessions (admins only)',
    access: ['admin'],
    params: userIdParamsSchema,
    responses: {
      200: { description: 'Disabled', schema: userSchema },
      400: error('The id is not a user id, or it is your own account'),
      ...ADMIN_ONLY,
      404: error('No such user'),
    },
  },
  resetPassword: {
    method: 'post',
    path: '/api/users/{id}/password',
    summary: 'Set a new password and revoke all the account\'s sessions (admins only)',
    access: ['admin'],
    params: userIdParamsSchema,
    body: { ...json('The new password'), schema: passwordBodySchema },
    responses: {
      200: { description: 'Changed', schema: userSchema },
      400: error('The password is too short or too long'),
      ...ADMIN_ONLY,
      404: error('No such user'),
    },
  },
  setUserSites: {
    method: 'put',
    path: '/api/users/{id}/sites',
    summary: 'Set the sites a 管理处负责人 reads (admins only)',
    access: ['admin'],
    params: userIdParamsSchema,
    body: { ...json('Every site key, replacing the previous list'), schema: sitesBodySchema },
    responses: {
      200: { description: 'Set', schema: userSchema },
      400: error('Not a site manager, or a site key is invalid'),
      ...ADMIN_ONLY,
      404: error('No such user'),
    },
  },
  enrolmentChallenge: {
    method: 'post',
    path: '/api/devices/challenge',
    summary: 'A fresh nonce for this tablet to sign with its key before enrolling it',
    description:
      'Bound to this session and account, good for one enrolment within five minutes. The tablet signs `ducha-enrol\\n<nonce>\\n<userId>` (ECDSA P-256 / SHA-256, raw r‖s, base64url) and sends it as `proof` with POST /api/devices.',
    access: ['auditor'],
    responses: {
      201: { description: 'A new challenge', schema: enrolmentChallengeSchema },
      ...ADMIN_ONLY,
    },
  },
  enrolDevice: {
    method: 'post',
    path: '/api/devices',
    summary: 'Enrol this tablet\'s key to the signed-in auditor',
    description:
      'The tablet posts its .ducha-key file right after signing in, with a challenge (POST /api/devices/challenge) signed by the same key: a copied key file alone proves nothing. The key is then the auditor\'s, and audits it seals are accepted from that auditor only. Head office\'s enrolment of a key file by hand, with the fingerprint typed from the tablet, is unchanged.',
    access: ['auditor'],
    body: { ...json('The key file and the signed challenge'), schema: enrolDeviceBodySchema },
    responses: {
      201: { description: 'Enrolled', schema: deviceSchema },
      200: { description: 'Already enrolled to you; nothing changed', schema: deviceSchema },
      400: error('Not a valid key file, or not signed by the key it names; or no signed challenge (an app from before challenges: update it)'),
      ...ADMIN_ONLY,
      403: error('The challenge is unknown, used, expired, issued to another session, or not signed by this key (forbidden)'),
      409: error('The key is enrolled to another account, or was revoked (conflict)'),
    },
  },
  listDevices: {
    method: 'get',
    path: '/api/devices',
    summary: 'The key register: every enrolled tablet key and whose it is (admins only)',
    access: ['admin'],
    responses: { 200: { description: 'The register', schema: deviceListSchema }, ...ADMIN_ONLY },
  },
  revokeDevice: {
    method: 'post',
    path: '/api/devices/{keyId}/revoke',
    summary: 'Revoke a tablet key: what it seals from now on is refused (admins only)',
    access: ['admin'],
    params: keyIdParamsSchema,
    body: { ...json('Why (optional)'), schema: revokeDeviceBodySchema },
    responses: {
      200: { description: 'Revoked', schema: deviceSchema },
      400: error('The key id is not 64 hex digits'),
      ...ADMIN_ONLY,
      404: error('No such key'),
      409: error('Already revoked (conflict)'),
    },
  },
  auditLog: {
    method: 'get',
    path: '/api/audit-log',
    summary: 'Admin actions, failed sign-ins and refused uploads, newest first (admins only)',
    access: ['admin'],
    query: auditLogQuerySchema,
    responses: { 200: { description: 'The entries', schema: auditLogSchema }, 400: error('A query parameter is invalid'), ...ADMIN_ONLY },
  },
} as const satisfies Record<string, ApiRouteDoc>;
