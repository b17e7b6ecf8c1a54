import type { z } from 'zod';
import { sealedEnvelopeSchema } from '../../domain/index';
import type { RouteAccess } from './auth-guard';
import { AUTH_API_ROUTES, FORBIDDEN, UNAUTHENTICATED } from './auth-api-routes';
import {
  auditIdParamsSchema,
  auditReceiptSchema,
  auditRecordSchema,
  errorBodySchema,
  handOverBodySchema,
  handOverSchema,
  healthSchema,
  imageReceiptSchema,
  receivedAuditListSchema,
  receivedAuditQuerySchema,
  sha256ParamsSchema,
} from '../../domain/wire';
import {
  bundleReceiptSchema,
  downSyncSchema,
  fingerprintParamsSchema,
  proposalDecisionReceiptSchema,
  proposalDecisionSchema,
  proposalIdParamsSchema,
  proposalListQuerySchema,
  proposalListSchema,
  proposalReceiptSchema,
  publishReceiptSchema,
  rubricListSchema,
  siteCodeParamsSchema,
  siteInputSchema,
  siteListSchema,
  siteProposalInputSchema,
  siteSchema,
  sinceQuerySchema,
} from '../../domain/wire';
import {
  csvQuerySchema,
  drillDownQuerySchema,
  drillDownSchema,
  filterOptionsQuerySchema,
  filterOptionsSchema,
  headOfficeFilterSchema,
  heatMapSchema,
  rankingQuerySchema,
  rankingSchema,
  trendQuerySchema,
  trendSchema,
} from '../../domain/wire';

export interface ApiResponseDoc {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** application/json unless said otherwise. */
  readonly contentType?: string;
}

export interface ApiRouteDoc {
  readonly method: 'get' | 'put' | 'post' | 'delete';
  /** OpenAPI form (`/api/images/{sha256}`); Fastify's `:sha256` form is derived from it. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  /** Who may call it; registered with guardFor(route), so the declaration is what is enforced. */
  readonly access: RouteAccess;
  readonly params?: z.ZodObject;
  /** Query parameters, one per field; optional fields are optional parameters. */
  readonly query?: z.ZodObject;
  readonly body?: {
    readonly description: string;
    readonly contentTypes: readonly string[];
    /** Absent: raw bytes. */
    readonly schema?: z.ZodType;
  };
  readonly responses: Readonly<Record<number, ApiResponseDoc>>;
}

const error = (description: string): ApiResponseDoc => ({ description, schema: errorBodySchema });

export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/octet-stream'] as const;

/**
 * Every API route, described once: the routes are registered at these paths, handlers parse with these
 * schemas, and /api/openapi.json is generated from this list (a test keeps the three in step).
 */
export const API_ROUTES = {
  health: {
    method: 'get',
    path: '/api/health',
    summary: 'Is the server up, and on which database',
    access: 'public',
    responses: { 200: { description: 'Up; the database answered', schema: healthSchema }, 503: error('The database did not answer') },
  },
  openapi: {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This description of the API (OpenAPI 3.1)',
    access: 'public',
    responses: { 200: { description: 'The OpenAPI document' } },
  },
  putImage: {
    method: 'put',
    path: '/api/images/{sha256}',
    summary: 'Upload one photo or signature image, addressed by its SHA-256',
    access: ['admin', 'auditor'],
    description:
      'Upload every image an audit names before the audit itself. Idempotent: the same bytes again are answered 200 and not stored again (the sender is recorded, so they may read the image back). The bytes are fsynced before the answer.',
    params: sha256ParamsSchema,
    body: { description: 'The image bytes exactly (JPEG or PNG), never base64', contentTypes: IMAGE_CONTENT_TYPES },
    responses: {
      201: { description: 'Stored', schema: imageReceiptSchema },
      200: { description: 'Already here; nothing written', schema: imageReceiptSchema },
      400: error('The address is not a SHA-256'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
      413: error('Larger than the image size limit'),
      415: error('Not sent as image/jpeg, image/png or application/octet-stream'),
      422: error('The bytes do not have the SHA-256 in the address (hash-mismatch), or are not a JPEG or PNG image'),
    },
  },
  getImage: {
    method: 'get',
    path: '/api/images/{sha256}',
    summary: 'Read one stored image by its SHA-256',
    description:
      'Admins read every image; an auditor the images they uploaded and those named by audits they may read (sealed by their own tablets); a site manager those named by accepted audits of their sites. Any other image is answered 404 exactly as one never stored, so a hash does not confirm that someone else’s photo exists.',
    access: 'signed-in',
    params: sha256ParamsSchema,
    responses: {
      401: UNAUTHENTICATED,
      200: { description: 'The image bytes', contentType: 'image/*' },
      400: error('The address is not a SHA-256'),
      404: error('No such image, or not one you may read'),
    },
  },
  postAudit: {
    method: 'post',
    path: '/api/audits',
    summary: 'Upload one sealed audit (its envelope)',
    access: ['admin', 'auditor'],
    description:
      'Verified over the exact bytes received, with the same rules as bundle import. Every image it names must have been uploaded first. A 2xx answer is durable: the received bytes are fsynced in the blob store and the decision committed before it is sent.',
    body: { description: 'The sealed envelope { payload, hash, signature } as JSON', contentTypes: ['application/json'], schema: sealedEnvelopeSchema },
    responses: {
      201: { description: 'Stored: accepted for comparison', schema: auditReceiptSchema },
      200: { description: 'Unchanged: this seal is already here; nothing written', schema: auditReceiptSchema },
      202: { description: 'Held aside (unknown key, unknown rubric, or its previous revision has not arrived), with the reason', schema: auditReceiptSchema },
      409: error('Conflict: this audit, or its place in the revision chain, is already here with another seal. Recorded; both hashes in the body'),
      401: UNAUTHENTICATED,
      403: error('Beyond your role, no x-ducha-csrf header, or sealed by a key not enrolled to you (key-not-enrolled: which key, and whose it is)'),
      413: error('Larger than the audit size limit'),
      415: error('Not sent as application/json'),
      422: error('Refused: not JSON, malformed (with the path), tampered (with what), images missing (which), or sealed by a revoked key'),
      429: error('Too many uploads from your account this minute (rate-limited); the Retry-After header says when to send again'),
    },
  },
  listAudits: {
    method: 'get',
    path: '/api/audits',
    summary: 'The received audits you may read, newest audit time first, a page at a time',
    description:
      'Only accepted audits, the latest revision of each. Admins see every one; a site manager the audits of their sites; an auditor those sealed by keys enrolled to them (limited in SQL before any filter: asking for another site gives an empty page). Send the answer’s nextCursor as `cursor` for the next page.',
    access: 'signed-in',
    query: receivedAuditQuerySchema,
    responses: {
      200: { description: 'One page, newest first', schema: receivedAuditListSchema },
      400: error('A filter, limit or cursor is not valid (path says which)'),
      401: UNAUTHENTICATED,
    },
  },
  getAudit: {
    method: 'get',
    path: '/api/audits/{id}',
    summary: 'One received audit: accepted (with its facts) or held (with the reason)',
    description: 'Admins read every audit; an auditor those sealed by keys enrolled to them; a site manager the accepted audits of their sites.',
    access: 'signed-in',
    params: auditIdParamsSchema,
    responses: {
      200: { description: 'The audit as stored', schema: auditRecordSchema },
      400: error('The id is not a UUID'),
      401: UNAUTHENTICATED,
      403: error('Not yours to read (another auditor\'s, or not one of your sites)'),
      404: error('Neither accepted nor held here'),
    },
  },
  handOverAudit: {
    method: 'post',
    path: '/api/audits/{id}/hand-over',
    summary: 'Hand an accepted audit to another auditor, who alone may then seal its correction (admins only)',
    description:
      'A correction belongs to its author: revision n+1 is accepted only when sealed by a key enrolled to the auditor of revision n, or to the auditor head office handed revision n over to (the latest hand-over counts). Recorded in the audit log; an upload refused as a conflict before it can simply be sent again.',
    access: ['admin'],
    params: auditIdParamsSchema,
    body: { description: 'To whom, and why', contentTypes: ['application/json'], schema: handOverBodySchema },
    responses: {
      201: { description: 'Handed over', schema: handOverSchema },
      400: error('The id, the user id or the reason is not valid (path says which)'),
      401: UNAUTHENTICATED,
      403: error('Not an admin (forbidden)'),
      404: error('No accepted audit with this id'),
      422: error('The account is not an active auditor (path: toUserId)'),
    },
  },
  getAuditEnvelope: {
    method: 'get',
    path: '/api/audits/{id}/envelope',
    summary: 'The sealed envelope of a received audit, byte for byte as it was uploaded',
    description: 'Read by whoever may read the audit (GET /api/audits/{id}).',
    access: 'signed-in',
    params: auditIdParamsSchema,
    responses: {
      200: { description: 'The envelope bytes', contentType: 'application/json' },
      400: error('The id is not a UUID'),
      401: UNAUTHENTICATED,
      403: error('Not yours to read (another auditor\'s, or not one of your sites)'),
      404: error('Neither accepted nor held here'),
    },
  },
  postBundle: {
    method: 'post',
    path: '/api/bundles',
    summary: 'Upload a whole .ducha bundle (format 1 or 2) from a tablet that stayed offline',
    access: ['admin', 'auditor'],
    description:
      'Every audit in it is taken in under the same rules as POST /api/audits (its images with it); one audit’s refusal or conflict does not stop the others. The answer lists each audit’s outcome; each acknowledged one is durable. Each audit the bundle offers counts against the per-account upload limit, all at once before any is checked: over the limit, none is taken in.',
    body: { description: 'The .ducha file exactly: a zip (format 2) or JSON (format 1)', contentTypes: ['application/zip', 'application/json', 'application/octet-stream'] },
    responses: {
      200: { description: 'Each audit’s outcome, in bundle order', schema: bundleReceiptSchema },
      413: error('Larger than the bundle size limit (256 MiB), or offering more audits than one account may upload in a minute (split it); nothing taken in'),
      415: error('Not sent as application/zip, application/json or application/octet-stream'),
      422: error('Not a readable bundle (what and where)'),
      429: error('Its audits do not fit in your account’s upload limit this minute; none was taken in. The Retry-After header says when to send the same file again'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  backup: {
    method: 'get',
    path: '/api/backup',
    summary: 'A backup of everything, made by the running server (admins only)',
    description:
      'The same tar file as `ducha server backup`: every table read in one REPEATABLE READ transaction, then every receipt and every blob they name. Uploads continue meanwhile; an audit acknowledged while the backup was written has its receipt and blobs in it, so `ducha server reindex` after a restore takes it in as well.',
    access: ['admin'],
    responses: {
      200: { description: 'The backup file', contentType: 'application/x-tar' },
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  sync: {
    method: 'get',
    path: '/api/sync',
    summary: 'Down-sync for a tablet: rubric versions, sites and proposal decisions after a cursor',
    access: 'signed-in',
    description:
      'Send the previous answer’s cursor as `since` and its ETag as If-None-Match: when nothing changed the answer is 304 with no body. Rubric versions come with their documents; a tablet uses the newest version of a rubric for new audits only. Sites are never deleted: a retired site comes with active false.',
    query: sinceQuerySchema,
    responses: {
      200: { description: 'What changed after `since` (everything without it), and the cursor to send next time', schema: downSyncSchema },
      304: { description: 'Nothing changed since the ETag sent in If-None-Match' },
      400: error('`since` is not a whole number ≥ 0'),
      401: UNAUTHENTICATED,
    },
  },
  listSites: {
    method: 'get',
    path: '/api/sites',
    summary: 'Every site (code, name, region, manager), retired ones included',
    access: 'signed-in',
    query: sinceQuerySchema,
    responses: {
      200: { description: 'Sites by code, with the feed cursor', schema: siteListSchema },
      304: { description: 'Unchanged since the ETag sent in If-None-Match' },
      400: error('`since` is not a whole number ≥ 0'),
      401: UNAUTHENTICATED,
    },
  },
  putSite: {
    method: 'put',
    path: '/api/sites/{code}',
    summary: 'Create or change one site; the code is stored trimmed and upper case, as tablets key it',
    access: ['admin'],
    params: siteCodeParamsSchema,
    body: { description: 'The site', contentTypes: ['application/json'], schema: siteInputSchema },
    responses: {
      200: { description: 'The site as stored (unchanged when nothing differed)', schema: siteSchema },
      400: error('The code or a field is not valid (path says which)'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  listRubrics: {
    method: 'get',
    path: '/api/rubrics',
    summary: 'Published rubric versions, oldest first (documents at /api/rubrics/{fingerprint})',
    access: 'signed-in',
    query: sinceQuerySchema,
    responses: {
      200: { description: 'Published versions with the feed cursor', schema: rubricListSchema },
      304: { description: 'Unchanged since the ETag sent in If-None-Match' },
      400: error('`since` is not a whole number ≥ 0'),
      401: UNAUTHENTICATED,
    },
  },
  getRubric: {
    method: 'get',
    path: '/api/rubrics/{fingerprint}',
    summary: 'One published rubric version’s document; its content never changes (the fingerprint is its hash)',
    access: 'signed-in',
    params: fingerprintParamsSchema,
    responses: {
      200: { description: 'The rubric document' },
      304: { description: 'The client has it (If-None-Match)' },
      400: error('Not a fingerprint'),
      404: error('Not published here'),
      401: UNAUTHENTICATED,
    },
  },
  publishRubric: {
    method: 'post',
    path: '/api/rubrics',
    summary: 'Publish a rubric version for tablets (and accept it for intake)',
    access: ['admin'],
    description: 'Checked with the same rules as `ducha validate`. The same content again is answered 200 and nothing is written.',
    body: { description: 'The rubric document as JSON', contentTypes: ['application/json'] },
    responses: {
      201: { description: 'Published', schema: publishReceiptSchema },
      200: { description: 'Already published; nothing written', schema: publishReceiptSchema },
      422: error('Not a valid rubric: every problem, each with its path'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  proposeSite: {
    method: 'post',
    path: '/api/site-proposals',
    summary: 'A site an auditor added on the tablet (offline): for an admin to accept or merge',
    access: ['admin', 'auditor'],
    description: 'The id is the tablet’s own: sending it again is answered 200 and nothing is written.',
    body: { description: 'The proposal', contentTypes: ['application/json'], schema: siteProposalInputSchema },
    responses: {
      201: { description: 'Recorded', schema: proposalReceiptSchema },
      200: { description: 'Already recorded; nothing written', schema: proposalReceiptSchema },
      400: error('A field is not valid (path says which)'),
      409: error('This id is already here with another name or from another user'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  listSiteProposals: {
    method: 'get',
    path: '/api/site-proposals',
    summary: 'Site proposals, oldest first: pending ones (default) or all',
    access: ['admin'],
    query: proposalListQuerySchema,
    responses: { 200: { description: 'The proposals', schema: proposalListSchema }, 400: error('Unknown status'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  decideSiteProposal: {
    method: 'post',
    path: '/api/site-proposals/{id}/decision',
    summary: 'Accept a proposal as a new site, or merge it into a site already here',
    access: ['admin'],
    params: proposalIdParamsSchema,
    body: { description: 'The decision', contentTypes: ['application/json'], schema: proposalDecisionSchema },
    responses: {
      200: { description: 'Decided: the proposal and the site it became or joined', schema: proposalDecisionReceiptSchema },
      400: error('The decision is not valid (path says which)'),
      404: error('No such proposal'),
      409: error('Already decided, or the code is taken (merge instead), or the site to merge into does not exist'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  headOfficeRanking: {
    method: 'get',
    path: '/api/head-office/ranking',
    summary: 'Sites ranked by average percent over every audit here, with the dashboard’s filters',
    access: 'signed-in',
    description:
      'Only the latest revision of each audit counts. The change is against the same span just before [from, to] when both are given. The bottom N ranked sites are marked (never all of them, never a lone site).',
    query: rankingQuerySchema,
    responses: { 200: { description: 'Best first', schema: rankingSchema }, 400: error('A filter is not valid (path says which)'), 401: UNAUTHENTICATED },
  },
  headOfficeTrend: {
    method: 'get',
    path: '/api/head-office/trend',
    summary: 'One site’s audits in view, oldest first',
    access: 'signed-in',
    query: trendQuerySchema,
    responses: { 200: { description: 'The points', schema: trendSchema }, 400: error('A filter is not valid (path says which)'), 401: UNAUTHENTICATED },
  },
  headOfficeHeatMap: {
    method: 'get',
    path: '/api/head-office/heat-map',
    summary: 'Share of applicable points lost per site × item, on the items every rubric version in view has',
    access: 'signed-in',
    query: headOfficeFilterSchema,
    responses: { 200: { description: 'The heat map', schema: heatMapSchema }, 400: error('A filter is not valid (path says which)'), 401: UNAUTHENTICATED },
  },
  headOfficeDrillDown: {
    method: 'get',
    path: '/api/head-office/drill-down',
    summary: 'The audits, grades and notes behind one heat-map cell, newest first',
    access: 'signed-in',
    query: drillDownQuerySchema,
    responses: { 200: { description: 'The audits', schema: drillDownSchema }, 400: error('A filter is not valid (path says which)'), 401: UNAUTHENTICATED },
  },
  headOfficeAuditsCsv: {
    method: 'get',
    path: '/api/head-office/audits.csv',
    summary: '考核 CSV: one row per audit in view, the app’s columns, Chinese headers, UTF-8 with BOM',
    access: 'signed-in',
    query: csvQuerySchema,
    responses: {
      200: { description: 'The CSV', contentType: 'text/csv' },
      400: error('A filter or the time zone is not valid'),
      401: UNAUTHENTICATED,
    },
  },
  headOfficeUnitsCsv: {
    method: 'get',
    path: '/api/head-office/units.csv',
    summary: '评分单元 CSV: one row per audit × graded unit, the app’s columns, Chinese headers',
    access: 'signed-in',
    query: csvQuerySchema,
    responses: {
      200: { description: 'The CSV', contentType: 'text/csv' },
      400: error('A filter or the time zone is not valid'),
      401: UNAUTHENTICATED,
    },
  },
  headOfficeFilterOptions: {
    method: 'get',
    path: '/api/head-office/filter-options',
    summary: 'What the dashboard’s filters offer over every audit here: rubrics, and one rubric’s regions, sites and auditors',
    access: ['admin'],
    description:
      'For head office’s dashboard online. Without rubricId (or with one no audit has) the lists are for the rubric with the most audits, which the answer names.',
    query: filterOptionsQuerySchema,
    responses: {
      200: { description: 'The choices', schema: filterOptionsSchema },
      400: error('rubricId is empty'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  ...AUTH_API_ROUTES,
} as const satisfies Record<string, ApiRouteDoc>;

/** `/api/images/{sha256}` → `/api/images/:sha256`. */
export const fastifyPathOf = (route: ApiRouteDoc): string => route.path.replace(/\{(\w+)\}/g, ':$1');
