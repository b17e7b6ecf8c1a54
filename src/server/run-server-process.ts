import { formatIssue } from '../domain/index';
import { parseServerConfig } from './config';
import { startServer } from './start-server';
import { StartupError } from './startup-error';

/**
 * The server as a process (`npm run serve`, `ducha server start`): the app and the API on the embedded
 * database in ./data unless DATABASE_URL names a PostgreSQL. Runs until SIGTERM or SIGINT, then exits.
 */
export async function runServerProcess(argv: readonly string[]): Promise<void> {
  const config = parseServerConfig(argv, process.env);
  if (!config.ok) {
    for (const issue of config.issues) process.stderr.write(`ducha server: ${formatIssue(issue)}\n`);
    process.exit(2);
  }

  let server;
  try {
    server = await startServer(config.value);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`ducha server: ${error.message}\n`);
    process.exit(1);
  }
  const running = server;
  // One JSON line on stdout that says where to connect, whatever the log level (tests read the port from it
  // when started with --port 0; process managers can wait for it).
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', url: running.url, port: running.port, database: running.services.databaseKind, dataDir: config.value.dataDir })}\n`,
  );
  running.app.log.info(`Ducha server ready at ${running.url}`);

  let isStopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (isStopping) {
      // A second Ctrl-C: the operator does not want to wait for running requests.
      process.exit(1);
    }
    isStopping = true;
    running.app.log.info({ event: 'stopping', signal }, 'stopping: finishing running requests');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.app.log.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
