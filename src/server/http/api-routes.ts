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
  conflictListSchema,
  kpiHistoryQuerySchema,
  kpiHistorySchema,
  kpiUploadQuerySchema,
  kpiUploadReceiptSchema,
  monthlyRankingAnswerSchema,
  monthQuerySchema,
  rankingDefinitionListSchema,
  rankingDefinitionReceiptSchema,
} from '../../domain/wire';
import {
  csvQuerySchema,
  drillDownQuerySchema,
  drillDownSchema,
  filterOptionsQuerySchema,
  filterOptionsSchema,
  headOfficeFilterSchema,
  heatMapSchema,
  heldListSchema,
  rankingQuerySchema,
  rankingSchema,
  trendQuerySchema,
  trendSchema,
} from '../../domain/wire';
import { sheetVerdictSchema, verifySealAnswerSchema, verifySealBodySchema } from '../../domain/wire';

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
  verifySheet: {
    method: 'post',
    path: '/api/verify',
    summary: 'Check a score sheet PDF: is it exactly the sealed sheet, what does the seal say, who signed (anyone)',
    access: 'public',
    description:
      'The verification page (#/verify) sends the PDF here. The sheet is re-made from its embedded seal, images and recorded fonts and compared byte for byte, by the same code as `ducha verify`. The signer is named only when the seal’s signature holds. Limited per address (re-making costs CPU).',
    body: { description: 'The PDF file exactly', contentTypes: ['application/pdf', 'application/octet-stream'] },
    responses: {
      200: { description: 'The verdict: sheet intact / tampered / unsigned / cannot-check, the sealed record and the signer', schema: sheetVerdictSchema },
      413: error('Larger than a score sheet can be (32 MiB)'),
      415: error('Not sent as application/pdf or application/octet-stream'),
      422: error('Not a readable PDF'),
      429: error('Too many checks from this address this minute; the Retry-After header says when to try again'),
    },
  },
  verifySeal: {
    method: 'post',
    path: '/api/verify/seal',
    summary: 'Who a sealing key belongs to, for a seal whose signature holds (anyone)',
    access: 'public',
    description:
      'What `ducha verify --server` asks after checking a sheet or bundle itself. Only a valid seal names its key’s owner, so the key register cannot be listed by asking. Limited per address.',
    body: { description: 'The sealed envelope', contentTypes: ['application/json'], schema: verifySealBodySchema },
    responses: {
      200: { description: 'Enrolled (with device and auditor), revoked before it sealed, or not enrolled', schema: verifySealAnswerSchema },
      400: error('Not { envelope }'),
      422: error('Not a sealed envelope, or its signature does not hold'),
      429: error('Too many checks from this address this minute'),
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
  headOfficeHeld: {
    method: 'get',
    path: '/api/head-office/held',
    summary: 'Audits held aside (待确认): unknown key, unknown rubric or missing previous revision, oldest first',
    access: ['admin'],
    description:
      'What head office must decide on: each with the reason, and the signer as the key register names it (null when no one enrolled the key). Enrolling the key or publishing the rubric releases them.',
    responses: { 200: { description: 'The held audits', schema: heldListSchema }, 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  headOfficeConflicts: {
    method: 'get',
    path: '/api/head-office/conflicts',
    summary: 'Seals refused because another seal already holds their place (both sides), newest first',
    access: ['admin'],
    responses: { 200: { description: 'The conflicts', schema: conflictListSchema }, 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  listRankingDefinitions: {
    method: 'get',
    path: '/api/ranking-definitions',
    summary: 'Published 综合排名 definition versions (rankings/*.json), oldest first; the shipped one is there from the start',
    access: ['admin', 'site-manager'],
    responses: { 200: { description: 'The versions', schema: rankingDefinitionListSchema }, 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  publishRankingDefinition: {
    method: 'post',
    path: '/api/ranking-definitions',
    summary: 'Publish a 综合排名 definition version (fingerprinted, audit-logged); the newest of its id ranks the months',
    access: ['admin'],
    description: 'Checked with the same rules as the app. The same content again is answered 200 and nothing is written.',
    body: { description: 'The definition document as JSON', contentTypes: ['application/json'] },
    responses: {
      201: { description: 'Published', schema: rankingDefinitionReceiptSchema },
      200: { description: 'Already published; nothing written', schema: rankingDefinitionReceiptSchema },
      422: error('Not a valid ranking definition: every problem, each with its path'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  uploadKpiFigures: {
    method: 'post',
    path: '/api/kpi-figures',
    summary: 'Upload a KPI figures file (CSV in UTF-8 or GB18030/GBK, or .xlsx) as raw bytes',
    access: ['admin'],
    description:
      'All or nothing: every refused line is listed with its number and reason and nothing is stored. Otherwise the upload is recorded (who, when, SHA-256, encoding) and each figure that differs from the newest stored version becomes a new version beside it; nothing is overwritten.',
    query: kpiUploadQuerySchema,
    body: { description: 'The file exactly as saved (CSV or .xlsx), never base64', contentTypes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'] },
    responses: {
      201: { description: 'Stored', schema: kpiUploadReceiptSchema },
      400: error('fileName is missing'),
      413: error('Larger than 5 MiB'),
      415: error('Not sent as text/csv, .xlsx or application/octet-stream'),
      422: error('The file was refused: every problem with its line (issues)'),
      401: UNAUTHENTICATED,
      403: FORBIDDEN,
    },
  },
  kpiFigureHistory: {
    method: 'get',
    path: '/api/kpi-figures',
    summary: 'Every stored version of every KPI figure (newest marked current), with who uploaded it, when and from which file',
    access: ['admin', 'site-manager'],
    description: 'A site manager sees their own sites’ figures only.',
    query: kpiHistoryQuerySchema,
    responses: { 200: { description: 'The versions', schema: kpiHistorySchema }, 400: error('month is not YYYY-MM'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  monthlyRanking: {
    method: 'get',
    path: '/api/head-office/monthly-ranking',
    summary: '服务质量月度综合排名 of a month over every audit and KPI figure on the server',
    access: ['admin', 'site-manager'],
    description:
      'Components, weights, each site’s points, 未达标 indicators by name, 缺报, 未考核, 末位 and the 约谈 list, computed by the domain’s rankMonth on the newest published definition. A site manager gets only their own sites’ rows, with their places in the whole ranking.',
    query: monthQuerySchema,
    responses: { 200: { description: 'The ranking', schema: monthlyRankingAnswerSchema }, 400: error('month is not YYYY-MM'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  monthlyRankingPdf: {
    method: 'get',
    path: '/api/head-office/monthly-ranking.pdf',
    summary: '月度综合排名通报 as PDF (the rows the reader may see)',
    access: ['admin', 'site-manager'],
    query: monthQuerySchema,
    responses: { 200: { description: 'The PDF', contentType: 'application/pdf' }, 400: error('month is not YYYY-MM'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  monthlyRankingCsv: {
    method: 'get',
    path: '/api/head-office/monthly-ranking.csv',
    summary: '月度综合排名通报 as CSV (UTF-8 with BOM)',
    access: ['admin', 'site-manager'],
    query: monthQuerySchema,
    responses: { 200: { description: 'The CSV', contentType: 'text/csv' }, 400: error('month is not YYYY-MM'), 401: UNAUTHENTICATED, 403: FORBIDDEN },
  },
  ...AUTH_API_ROUTES,
} as const satisfies Record<string, ApiRouteDoc>;

/** `/api/images/{sha256}` → `/api/images/:sha256`. */
export const fastifyPathOf = (route: ApiRouteDoc): string => route.path.replace(/\{(\w+)\}/g, ':$1');
