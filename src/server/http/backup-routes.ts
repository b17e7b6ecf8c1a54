import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { recordAuditEvent } from '../auth/audit-log';
import { writeBackup } from '../ops/backup';
import type { ServerServices } from '../services';
import { API_ROUTES, fastifyPathOf } from './api-routes';
import { guardFor, principalOf } from './auth-guard';

/**
 * GET /api/backup: the same file as `ducha server backup`, made by the running server, so a site backs up
 * nightly without stopping (the embedded database cannot be opened by a second process). Written to this
 * instance's tmp folder first (a backup of a large site does not fit in memory), streamed, then removed.
 */
export function backupRoutes(services: ServerServices) {
  return (app: FastifyInstance, _options: unknown, done: (error?: Error) => void): void => {
    app.get(fastifyPathOf(API_ROUTES.backup), { onRequest: guardFor(services, API_ROUTES.backup) }, async (request, reply) => {
      const at = new Date();
      const file = join(services.tmpDir, `backup-${randomUUID()}.tar`);
      try {
        const manifest = await writeBackup(services, file, at);
        await recordAuditEvent(services.db, {
          action: 'backup-downloaded',
          actor: principalOf(request),
          ip: request.ip,
          detail: { tables: manifest.tables.length, blobs: manifest.blobs, receipts: manifest.receipts },
        });
      } catch (error) {
        await rm(file, { force: true });
        await rm(`${file}.partial`, { force: true });
        throw error;
      }
      const stream = createReadStream(file);
      const cleanUp = () => {
        void rm(file, { force: true });
      };
      stream.once('close', cleanUp);
      const name = `ducha-backup-${at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.tar`;
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    });
    done();
  };
}
