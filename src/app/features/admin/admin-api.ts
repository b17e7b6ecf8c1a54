import {
  auditLogSchema,
  deviceListSchema,
  deviceSchema,
  proposalDecisionReceiptSchema,
  proposalListSchema,
  publishReceiptSchema,
  rubricListSchema,
  siteListSchema,
  siteSchema,
  userListSchema,
  userSchema,
  type NewUser,
} from '../../../domain/wire';
import { callApi } from '../../server/api-client';

// Head office's calls, one function each, every answer parsed with the wire schema the server documents it with.
// Inputs are the wire schemas' parsed output (the forms parse before sending), so nothing unchecked goes out.

export type SiteBody = Readonly<{ name: string; region: string; manager: string | null; active: boolean }>;
export type DecisionBody =
  Readonly<{ decision: 'accept'; code?: string | undefined }> | Readonly<{ decision: 'merge'; into: string }>;

const id = (value: string | number): string => encodeURIComponent(String(value));

export const adminApi = (baseUrl: string) => ({
  listUsers: () => callApi(baseUrl, { path: '/api/users', schema: userListSchema }),
  createUser: (user: NewUser) =>
    callApi(baseUrl, { method: 'POST', path: '/api/users', body: { json: user }, schema: userSchema }),
  disableUser: (userId: number) =>
    callApi(baseUrl, { method: 'POST', path: `/api/users/${id(userId)}/disable`, schema: userSchema }),
  resetPassword: (userId: number, password: string) =>
    callApi(baseUrl, {
      method: 'POST',
      path: `/api/users/${id(userId)}/password`,
      body: { json: { password } },
      schema: userSchema,
    }),
  setUserSites: (userId: number, siteKeys: readonly string[]) =>
    callApi(baseUrl, {
      method: 'PUT',
      path: `/api/users/${id(userId)}/sites`,
      body: { json: { siteKeys } },
      schema: userSchema,
    }),
  listSites: () => callApi(baseUrl, { path: '/api/sites', schema: siteListSchema }),
  putSite: (code: string, site: SiteBody) =>
    callApi(baseUrl, {
      method: 'PUT',
      path: `/api/sites/${id(code)}`,
      body: { json: site },
      schema: siteSchema,
    }),
  listProposals: () =>
    callApi(baseUrl, {
      path: '/api/site-proposals',
      query: { status: 'pending' },
      schema: proposalListSchema,
    }),
  decideProposal: (proposalId: string, decision: DecisionBody) =>
    callApi(baseUrl, {
      method: 'POST',
      path: `/api/site-proposals/${id(proposalId)}/decision`,
      body: { json: decision },
      schema: proposalDecisionReceiptSchema,
    }),
  listDevices: () => callApi(baseUrl, { path: '/api/devices', schema: deviceListSchema }),
  revokeDevice: (keyId: string, reason: string | undefined) =>
    callApi(baseUrl, {
      method: 'POST',
      path: `/api/devices/${id(keyId)}/revoke`,
      body: { json: reason === undefined ? {} : { reason } },
      schema: deviceSchema,
    }),
  listRubrics: () => callApi(baseUrl, { path: '/api/rubrics', schema: rubricListSchema }),
  /** The document as read from the file: the server checks it with the same rules as `ducha validate`. */
  publishRubric: (document: unknown) =>
    callApi(baseUrl, {
      method: 'POST',
      path: '/api/rubrics',
      body: { json: document },
      schema: publishReceiptSchema,
    }),
  auditLog: (limit = 200) =>
    callApi(baseUrl, { path: '/api/audit-log', query: { limit }, schema: auditLogSchema }),
});

export type AdminApi = ReturnType<typeof adminApi>;
