import type { Kysely } from 'kysely';
import { migrate } from '../../server/db/migrate';
import { openDatabase } from '../../server/db/open-database';
import type { Database } from '../../server/db/tables';
import { openServices } from '../../server/open-services';
import { StartupError } from '../../server/startup-error';
import type { CliIo } from '../io';

/**
 * The server's database for a console command: PostgreSQL alongside running servers, the embedded one only under the
 * data-dir lock (refused while a server holds it). A StartupError becomes one line on stderr and exit code 1.
 */
export async function withDatabase(
  where: { dataDir: string; databaseUrl: string | undefined },
  io: CliIo,
  work: (db: Kysely<Database>) => Promise<number>,
  label = 'server',
): Promise<number> {
  try {
    if (where.databaseUrl !== undefined) {
      const database = await openDatabase({ dataDir: where.dataDir, databaseUrl: where.databaseUrl });
      try {
        await migrate(database.db);
        return await work(database.db);
      } finally {
        await database.close();
      }
    }
    const opened = await openServices({ dataDir: where.dataDir, databaseUrl: undefined });
    try {
      return await work(opened.services.db);
    } finally {
      await opened.close();
    }
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    io.err(`${label}: ${error.message}`);
    return 1;
  }
}

export const whereOf = (values: { 'data-dir'?: string | undefined; 'database-url'?: string | undefined }, env: Readonly<Record<string, string | undefined>>) => ({
  dataDir: values['data-dir'] ?? (env.DUCHA_DATA_DIR || './data'),
  databaseUrl: values['database-url'] ?? (env.DATABASE_URL || undefined),
});

