import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { repoRoot } from './pages';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
};

export interface AppServer {
  readonly url: string;
  /** Serves sw.js with this appended, so the browser sees a new version of the service worker. */
  setServiceWorkerVersion(version: string): void;
  close(): Promise<void>;
}

/**
 * The built app (dist/, made by the e2e global setup) on a port of its own, whose service worker can be
 * made to change: an origin of its own, so its registrations never meet the shared preview server's.
 */
export async function startAppServer(): Promise<AppServer> {
  const dist = join(repoRoot, 'dist');
  let swSuffix = '';
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = path === '/' ? '/index.html' : path;
    readFile(join(dist, file)).then(
      (bytes) => {
        const body = file === '/sw.js' ? Buffer.concat([bytes, Buffer.from(swSuffix)]) : bytes;
        response.writeHead(200, {
          'content-type': types[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-cache',
        });
        response.end(body);
      },
      () => {
        response.writeHead(404).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('app server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    setServiceWorkerVersion: (version) => {
      swSuffix = `\n// ${version}\n`;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
