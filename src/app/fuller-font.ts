import { FULLER_FONT } from '../report/fuller-font';

/**
 * The fuller CJK font (燊 堃 喆 昇 赟 …) on this device. It is too big for the service worker's precache,
 * so it is fetched in the background after the first visit and kept in its own Cache API cache, which
 * the service worker's clean-up of outdated precaches never touches; from then on sheets use it offline.
 * Every read is checked against the font's SHA-256: a partial download or an altered file is never used.
 */

/** Versioned by the font's hash, so a new font is a new entry and never mixed with the old one. */
const CACHE_PREFIX = 'ducha-fuller-font-';
const CACHE_NAME = `${CACHE_PREFIX}${FULLER_FONT.sha256.slice(0, 12)}`;

export type FullerFontStatus = 'unknown' | 'downloading' | 'ready' | 'absent';

let status: FullerFontStatus = 'unknown';
const listeners = new Set<() => void>();
function setStatus(next: FullerFontStatus): void {
  status = next;
  for (const listener of listeners) listener();
}
export const fullerFontStatus = (): FullerFontStatus => status;
export function subscribeFullerFont(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const fontUrl = (): string => new URL(`${import.meta.env.BASE_URL}${FULLER_FONT.path}`, location.href).href;
const hasCacheApi = (): boolean => typeof caches !== 'undefined';

async function isGenuine(bytes: ArrayBuffer): Promise<boolean> {
  if (bytes.byteLength !== FULLER_FONT.size) return false;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  return hex === FULLER_FONT.sha256;
}

/** The cached font, checked; a damaged entry is removed so the next visit fetches it again. */
async function fromCache(): Promise<Uint8Array | undefined> {
  if (!hasCacheApi()) return undefined;
  const cache = await caches.open(CACHE_NAME);
  const hit = await cache.match(fontUrl());
  if (!hit) return undefined;
  const bytes = await hit.arrayBuffer();
  if (await isGenuine(bytes)) return new Uint8Array(bytes);
  await cache.delete(fontUrl());
  return undefined;
}

/** Fetches the font and caches it when it is the expected file; undefined offline or on any failure. */
async function download(): Promise<Uint8Array | undefined> {
  let response: Response;
  try {
    response = await fetch(fontUrl());
  } catch {
    return undefined; // offline: the next visit online tries again
  }
  if (!response.ok) return undefined;
  const bytes = await response.arrayBuffer();
  if (!(await isGenuine(bytes))) return undefined;
  if (hasCacheApi()) {
    const cache = await caches.open(CACHE_NAME);
    await cache.put(fontUrl(), new Response(bytes, { headers: { 'Content-Type': 'font/ttf' } }));
    // A font an earlier version of the app cached is no longer used: give its megabytes back.
    for (const name of await caches.keys())
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
  }
  return new Uint8Array(bytes);
}

let inFlight: Promise<Uint8Array | undefined> | undefined;
/**
 * The fuller font's bytes: from the cache, else fetched (and cached) now; undefined when it is not on
 * this device and cannot be fetched (offline before the first download). One fetch at a time.
 */
export function loadFullerFont(): Promise<Uint8Array | undefined> {
  inFlight ??= (async () => {
    try {
      const cached = await fromCache();
      if (cached) {
        setStatus('ready');
        return cached;
      }
      setStatus('downloading');
      const fetched = await download();
      setStatus(fetched ? 'ready' : 'absent');
      return fetched;
    } catch {
      setStatus('absent');
      return undefined;
    } finally {
      inFlight = undefined;
    }
  })();
  return inFlight;
}

/**
 * Makes sure the font is cached, keeping nothing in memory: the 4.6 MB are read (and checked) only when
 * a sheet is made. An entry already cached is only looked up, not read, at every start of the app.
 */
export async function cacheFullerFont(): Promise<void> {
  try {
    if (hasCacheApi() && (await (await caches.open(CACHE_NAME)).match(fontUrl()))) {
      setStatus('ready');
      return;
    }
  } catch {
    // no usable Cache API (e.g. a private window): loading below fetches and reports it
  }
  await loadFullerFont();
}
