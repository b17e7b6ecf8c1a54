import type { z } from 'zod';
import { sealedEnvelopeSchema } from '../../domain/index';
import type { RouteAccess } from './auth-guard';
import { AUTH_API_ROUTES, FORBIDDEN, UNAUTHENTICATED } from './auth-api-routes';
import {
  auditIdParamsSchema,
  auditReceiptSchema,
  auditRecordSchema,
  errorBodySchema,
  healthSchema,
  imageReceiptSchema,
  sha256ParamsSchema,
} from './api-schemas';

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
      'Upload every image an audit names before the audit itself. Idempotent: the same bytes again are answered 200 and nothing is written. The bytes are fsynced before the answer.',
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
    access: 'signed-in',
    params: sha256ParamsSchema,
    responses: {
      401: UNAUTHENTICATED,
      200: { description: 'The image bytes', contentType: 'image/*' },
      400: error('The address is not a SHA-256'),
      404: error('No such image'),
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
  ...AUTH_API_ROUTES,
} as const satisfies Record<string, ApiRouteDoc>;

/** `/api/images/{sha256}` → `/api/images/:sha256`. */
export const fastifyPathOf = (route: ApiRouteDoc): string => route.path.replace(/\{(\w+)\}/g, ':$1');
