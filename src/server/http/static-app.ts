import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Vite puts content-hashed files under assets/: their name changes with their content, so they are cached
 * for good. Everything else (index.html, sw.js, the manifest, rubrics) keeps its name across versions and is
 * revalidated on every load, or a tablet would keep an old service worker and never see an update.
 */
export function cacheControlFor(relativePath: string): string {
  const path = relativePath.split(sep).join('/').replace(/^\/+/, '');
  return path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Serves the built PWA from `distDir`; false when it has not been built (the API runs anyway). */
export async function registerStaticApp(app: FastifyInstance, distDir: string): Promise<boolean> {
  const root = resolve(distDir);
  if (!existsSync(resolve(root, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root,
    // Our own Cache-Control below, per file; ETag and Last-Modified make no-cache revalidation cheap.
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlFor(path.startsWith(root) ? path.slice(root.length) : path));
    },
  });
  return true;
}

/** A client-side route (no file extension) gets the app's index.html; a missing file stays a 404. */
export const isAppRoute = (url: string): boolean => {
  const path = url.split('?')[0] ?? '';
  const last = path.split('/').pop() ?? '';
  return !path.startsWith('/api/') && path !== '/api' && !last.includes('.');
};
