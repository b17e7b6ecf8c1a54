import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { trustedProxiesOf, type ServerConfig } from './config';
import { buildApp } from './http/build-app';
import { openServices } from './open-services';
import type { ServerServices } from './services';
import { StartupError } from './startup-error';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly services: ServerServices;
  /** Stops taking requests, lets running ones finish, closes the database, releases the lock. */
  close(): Promise<void>;
}

export async function startServer(
  config: ServerConfig,
  /** verifyPerMinute: for tests that send the public verify routes more than one address would in a minute. */
  options: { logger?: FastifyServerOptions['logger']; verifyPerMinute?: number } = {},
): Promise<RunningServer> {
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (config.tlsCert !== undefined && config.tlsKey !== undefined) {
    const read = (file: string, what: string) =>
      readFile(file).catch((error: unknown) => {
        throw new StartupError(`the TLS ${what} ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      });
    tls = { cert: await read(config.tlsCert, 'certificate'), key: await read(config.tlsKey, 'key') };
  }
  const opened = await openServices(config, { shared: true });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      services: opened.services,
      distDir: config.distDir,
      maxAuditBytes: config.maxAuditBytes,
      maxImageBytes: config.maxImageBytes,
      uploadsPerMinute: config.uploadsPerMinute,
      ...(options.verifyPerMinute === undefined ? {} : { verifyPerMinute: options.verifyPerMinute }),
      trustProxy: trustedProxiesOf(config.trustProxy),
      logger: options.logger ?? { level: config.logLevel },
      tls,
      publicUrl: config.publicUrl,
    });
    if (opened.sweptTemporaryFiles > 0)
      app.log.warn({ files: opened.sweptTemporaryFiles }, 'removed temporary files left by an interrupted write');
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app?.close();
    await opened.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const running = app;
  let closing: Promise<void> | undefined;
  return {
    url: `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    app: running,
    services: opened.services,
    close: () => {
      closing ??= (async () => {
        try {
          await running.close();
        } finally {
          await opened.close();
        }
      })();
      return closing;
    },
  };
}
