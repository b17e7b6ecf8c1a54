/**
 * Whether an error says the database is away (its server killed or restarting, our connection cut by
 * pg_terminate_backend or a failover, the host unreachable) rather than that a statement was wrong: such a
 * request is answered 503 with Retry-After, and the same request succeeds once the database is back.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let at: unknown = error, depth = 0; typeof at === 'object' && at !== null && depth < 5; depth++) {
    const code = 'code' in at && typeof at.code === 'string' ? at.code : '';
    if (NETWORK_CODES.has(code) || SERVER_GONE_STATES.has(code) || code.startsWith('08')) return true;
    const message = 'message' in at && typeof at.message === 'string' ? at.message : '';
    if (CLIENT_GONE_MESSAGES.some((m) => message.includes(m))) return true;
    at = 'cause' in at ? at.cause : undefined;
  }
  return false;
}

/** The socket to the database failed or could not be opened. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going or not yet there (class 08, connection exception, is matched as a class):
 * admin_shutdown (pg_terminate_backend, a fast stop), crash_shutdown, cannot_connect_now (starting up or
 * recovering after a crash), too_many_connections.
 */
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres says, without a code, of a connection that ended or a pool that could not connect. */
const CLIENT_GONE_MESSAGES = [
  'Connection terminated',
  'not queryable',
  'timeout exceeded when trying to connect',
  'Connection ended unexpectedly',
];
