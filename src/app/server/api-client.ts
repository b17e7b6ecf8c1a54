import type { z } from 'zod';
import { errorBodySchema, type ErrorBody } from '../../domain/wire';

/**
 * Every answer the app gets from a Ducha server, parsed with the server's own wire schemas: a value, or why
 * not. `offline` means no answer arrived (no network, server down, aborted); `http` carries the server's
 * error body (code, message, path) when it sent one; `unexpected` an answer that did not parse.
 */
export type ApiResult<T> =
  | {
      readonly ok: true;
      readonly status: number;
      readonly value: T;
      /** The answer's ETag, to send back as If-None-Match (a 304 then comes as kind 'http', status 304). */
      readonly etag?: string;
    }
  | { readonly ok: false; readonly kind: 'offline'; readonly message: string }
  | {
      readonly ok: false;
      readonly kind: 'http';
      readonly status: number;
      readonly error: ErrorBody | undefined;
      /** Seconds, from a 429's or 503's Retry-After header. */
      readonly retryAfter: number | undefined;
    }
  | { readonly ok: false; readonly kind: 'unexpected'; readonly status: number; readonly message: string };

export type ApiFailure = Exclude<ApiResult<unknown>, { ok: true }>;

export type ApiBody =
  | { readonly json: unknown }
  | { readonly bytes: Blob | ArrayBuffer | Uint8Array<ArrayBuffer>; readonly contentType: string };

export interface ApiRequest<S extends z.ZodType> {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: ApiBody;
  /** Parses a 2xx answer's JSON (z.undefined() for a 204). */
  readonly schema: S;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** The server's address as the app stores it: an origin, no trailing slash ('' for the app's own origin). */
export function normaliseServerUrl(input: string): string | undefined {
  const trimmed = input.trim();
  if (trimmed === '') return '';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.origin;
}

function urlOf(baseUrl: string, path: string, query: ApiRequest<z.ZodType>['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
  const search = params.size > 0 ? `?${params.toString()}` : '';
  return `${baseUrl}${path}${search}`;
}

function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * One request to the server. Every write carries the CSRF header the server demands with its session cookie;
 * the cookie itself is HttpOnly and travels by itself (same origin; `include` for another address).
 */
export async function callApi<S extends z.ZodType>(baseUrl: string, request: ApiRequest<S>): Promise<ApiResult<z.infer<S>>> {
  const headers: Record<string, string> = { 'x-ducha-csrf': '1', ...request.headers };
  let body: BodyInit | undefined;
  if (request.body && 'json' in request.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body.json);
  } else if (request.body) {
    headers['content-type'] = request.body.contentType;
    body = request.body.bytes instanceof Uint8Array ? new Blob([request.body.bytes]) : request.body.bytes;
  }
  let response: Response;
  try {
    response = await fetch(urlOf(baseUrl, request.path, request.query), {
      method: request.method ?? 'GET',
      headers,
      ...(body === undefined ? {} : { body }),
      credentials: baseUrl === '' ? 'same-origin' : 'include',
      cache: 'no-store',
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    return { ok: false, kind: 'offline', message: error instanceof Error ? error.message : String(error) };
  }
  let json: unknown;
  const text = await response.text().catch(() => '');
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(json);
    return {
      ok: false,
      kind: 'http',
      status: response.status,
      error: parsed.success ? parsed.data : undefined,
      retryAfter: retryAfterOf(response),
    };
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      kind: 'unexpected',
      status: response.status,
      message: `${request.method ?? 'GET'} ${request.path}: the answer is not what this version of the app expects (${parsed.error.issues[0]?.message ?? 'unreadable'})`,
    };
  const etag = response.headers.get('etag');
  return { ok: true, status: response.status, value: parsed.data, ...(etag === null ? {} : { etag }) };
}
