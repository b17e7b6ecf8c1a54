import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { ServerConfig } from './config';
import { buildApp } from './http/build-app';
import { openServices } from './open-services';
import type { ServerServices } from './services';

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
  options: { logger?: FastifyServerOptions['logger'] } = {},
): Promise<RunningServer> {
  const opened = await openServices(config);
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      services: opened.services,
      distDir: config.distDir,
      maxAuditBytes: config.maxAuditBytes,
      maxImageBytes: config.maxImageBytes,
      uploadsPerMinute: config.uploadsPerMinute,
      logger: options.logger ?? { level: config.logLevel },
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
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
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
