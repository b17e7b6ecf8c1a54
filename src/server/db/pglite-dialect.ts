import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Hands out PGlite's one connection to one user at a time. PGlite is a single Postgres backend: two
 * Kysely transactions interleaving their statements on it would run inside each other's BEGIN…COMMIT.
 */
class ConnectionGate {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  async enter(): Promise<void> {
    const previous = this.tail;
    let open: () => void = () => undefined;
    this.tail = new Promise<void>((resolve) => {
      open = resolve;
    });
    await previous;
    this.release = open;
  }

  leave(): void {
    const open = this.release;
    this.release = undefined;
    open?.();
  }
}

const CHANGING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pg.query<R>(compiledQuery.sql, [...compiledQuery.parameters], { rowMode: 'object' });
    const command = result.command?.toUpperCase();
    const changed = result.rowCount ?? result.affectedRows;
    return {
      rows: result.rows,
      ...(command !== undefined && CHANGING_COMMANDS.has(command) && changed !== undefined
        ? { numAffectedRows: BigInt(changed) }
        : {}),
    };
  }

  // PGlite has no cursors to stream from: the whole result, handed out in chunks.
  async *streamQuery<R>(compiledQuery: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let start = 0; start < rows.length; start += chunkSize) yield { rows: rows.slice(start, start + chunkSize) };
  }
}

class PGliteDriver implements Driver {
  private readonly gate = new ConnectionGate();
  private readonly connection: PGliteConnection;

  constructor(private readonly pg: PGlite) {
    this.connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.gate.enter();
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      ...(settings.isolationLevel ? [`isolation level ${settings.isolationLevel}`] : []),
      ...(settings.accessMode ? [settings.accessMode] : []),
    ];
    await connection.executeQuery(CompiledQuery.raw(`begin${modes.length > 0 ? ` ${modes.join(', ')}` : ''}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  releaseConnection(): Promise<void> {
    this.gate.leave();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    // Wait for whoever holds the connection, then close the database under the gate.
    await this.gate.enter();
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      this.gate.leave();
    }
  }
}

/** Kysely on PGlite with PostgreSQL's own adapter, compiler and introspector: the SQL is PostgreSQL's. */
export class PGliteDialect implements Dialect {
  constructor(private readonly pg: PGlite) {}

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.pg);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
