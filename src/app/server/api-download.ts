import { errorBodySchema } from '../../domain/wire';
import type { ApiFailure } from './api-client';

export type FileResult = { readonly ok: true; readonly bytes: Uint8Array<ArrayBuffer> } | ApiFailure;

/**
 * A file the server makes (a CSV export), as bytes: callApi's failures kept apart the same way (no answer,
 * the server's error body, or something else), for a GET whose answer is not JSON.
 */
export async function fetchServerFile(
  baseUrl: string,
  path: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<FileResult> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}?${params.toString()}`, {
      headers: { 'x-ducha-csrf': '1' },
      credentials: baseUrl === '' ? 'same-origin' : 'include',
      cache: 'no-store',
    });
  } catch (error) {
    return { ok: false, kind: 'offline', message: error instanceof Error ? error.message : String(error) };
  }
  if (!response.ok) {
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      json = undefined;
    }
    const parsed = errorBodySchema.safeParse(json);
    return { ok: false, kind: 'http', status: response.status, error: parsed.success ? parsed.data : undefined, retryAfter: undefined };
  }
  return { ok: true, bytes: new Uint8Array(await response.arrayBuffer()) };
}
