import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/server/db/database-unavailable';

/** An error as node-postgres or node's net module makes it: a message and, mostly, a code. */
const failure = (message: string, code?: string, cause?: unknown): Error =>
  Object.assign(new Error(message, cause === undefined ? {} : { cause }), code === undefined ? {} : { code });

describe('isDatabaseUnavailable: 503 for a database that is away, never for a statement that is wrong', () => {
  it('knows the database gone: socket errors, SQLSTATE 08xxx and 57P0x, and node-postgres’s own messages', () => {
    for (const error of [
      failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      failure('read ECONNRESET', 'ECONNRESET'),
      failure('terminating connection due to administrator command', '57P01'),
      failure('the database system is starting up', '57P03'),
      failure('connection failure', '08006'),
      failure('Connection terminated unexpectedly'),
      failure('Client has encountered a connection error and is not queryable'),
      failure('timeout exceeded when trying to connect'),
      failure('the transaction failed', undefined, failure('read ECONNRESET', 'ECONNRESET')),
    ])
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
  });

  it('leaves everything else to the 500 it was: a syntax error, a unique violation, a plain bug', () => {
    for (const error of [
      failure('syntax error at or near "selec"', '42601'),
      failure('duplicate key value violates unique constraint', '23505'),
      failure('could not serialize access due to concurrent update', '40001'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'a string thrown',
      undefined,
    ])
      expect(isDatabaseUnavailable(error), String(error)).toBe(false);
  });
});
