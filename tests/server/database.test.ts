import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrate } from '../../src/server/db/migrate';
import { MIGRATIONS, type Migration } from '../../src/server/db/migrations';
import { openDatabase, type OpenDatabase } from '../../src/server/db/open-database';
import { BACKENDS, useBackend } from './support/backends';

const [first] = MIGRATIONS;
if (!first) throw new Error('no migrations');
/** A later release's step, to prove a database with data in it moves forward and keeps its data. */
const laterStep: Migration = {
  version: MIGRATIONS.length + 1,
  name: 'test: later sites',
  statements: ['create table later_sites (code text primary key, name text not null)', "insert into later_sites values ('SZ-001', '碧桂园凤凰城管理处')"],
};
const failingStep: Migration = {
  version: MIGRATIONS.length + 1,
  name: 'test: fails half-way',
  statements: ['create table half_done (id integer)', 'insert into no_such_table values (1)'],
};

const tableNames = async (open: OpenDatabase): Promise<string[]> =>
  (
    await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(open.db)
  ).rows.map((r) => r.table_name);

describe.each(BACKENDS)('schema migrations on %s', (backendName) => {
  const backend = useBackend(backendName);
  let open: OpenDatabase;

  beforeAll(async () => {
    const config = await backend.freshConfig();
    open = await openDatabase(config);
    expect(open.kind).toBe(backendName === 'PGlite' ? 'pglite' : 'postgresql');
  }, 120_000);
  afterAll(async () => {
    await open.close();
  });

  // The steps below run in order on one database, as releases would.
  it('1. creates the first release\'s tables on an empty database, in one step', async () => {
    expect(await tableNames(open)).toEqual([]);
    expect(await migrate(open.db, [first])).toEqual({ applied: [1], version: 1 });
    expect(await tableNames(open)).toEqual([
      'accepted_revisions',
      'accepted_rubrics',
      'conflicts',
      'device_keys',
      'held_entries',
      'schema_migrations',
    ]);
  });

  it('1b. adds accounts to a first-release database with a key enrolled, keeping the key (enrolled to no account)', async () => {
    await open.db
      .insertInto('device_keys')
      .values({
        key_id: 'b'.repeat(64),
        public_key: JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }),
        device_label: '前台平板 3',
        auditor: '王小明',
        enrolled_at: '2026-11-01T00:00:00.000Z',
      })
      .execute();
    expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 2))).toEqual({ applied: [2], version: 2 });
    expect(await tableNames(open)).toEqual([
      'accepted_revisions',
      'accepted_rubrics',
      'audit_log',
      'conflicts',
      'device_keys',
      'held_entries',
      'schema_migrations',
      'sessions',
      'user_sites',
      'users',
    ]);
    const keys = await open.db.selectFrom('device_keys').select(['auditor', 'user_id']).execute();
    expect(keys).toEqual([{ auditor: '王小明', user_id: null }]);
    // Usernames are unique whatever their case.
    const user = { display_name: '王', role: 'admin', password_hash: 'x', created_at: '2026-11-01T00:00:00.000Z' };
    await open.db.insertInto('users').values({ ...user, username: 'Wang' }).execute();
    await expect(open.db.insertInto('users').values({ ...user, username: 'wang' }).execute()).rejects.toThrow(/users_by_username/);
    await expect(open.db.insertInto('users').values({ ...user, username: 'li', role: 'root' }).execute()).rejects.toThrow(/check/);
  });

  it('1c. adds down-sync (sites, published rubrics, site proposals) beside accounts', async () => {
    expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 3))).toEqual({ applied: [3], version: 3 });
    const tables = await tableNames(open);
    for (const table of ['published_rubrics', 'site_proposals', 'sites', 'users']) expect(tables).toContain(table);
  });

  it('1d. adds the image read scope (image lists per envelope, image senders) on a database with no audits, without a blob store', async () => {
    expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 4))).toEqual({ applied: [4], version: 4 });
    const tables = await tableNames(open);
    for (const table of ['envelope_images', 'image_uploads']) expect(tables).toContain(table);
  });

  it('1e. adds ranking definitions (the shipped one published) and the versioned KPI figures', async () => {
    expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 5))).toEqual({ applied: [5], version: 5 });
    const tables = await tableNames(open);
    for (const table of ['ranking_definitions', 'kpi_uploads', 'kpi_figures']) expect(tables).toContain(table);
    const shipped = await open.db.selectFrom('ranking_definitions').select(['definition_id', 'published_by']).execute();
    expect(shipped).toEqual([{ definition_id: 'monthly', published_by: 'ducha (shipped)' }]);
  });

  it('1f. adds hand-overs and enrolment challenges (trust rules)', async () => {
    expect(await migrate(open.db, MIGRATIONS.filter((m) => m.version <= 6))).toEqual({ applied: [6], version: 6 });
    const tables = await tableNames(open);
    for (const table of ['hand_overs', 'enrolment_challenges']) expect(tables).toContain(table);
  });

  it('2. does nothing when run again', async () => {
    expect(await migrate(open.db)).toEqual({ applied: [], version: MIGRATIONS.length });
  });

  it('3. moves a database with data in it forward and keeps the data', async () => {
    await open.db
      .insertInto('accepted_rubrics')
      .values({ fingerprint: `sha256:${'a'.repeat(64)}`, rubric_id: 'KF9', accepted_at: '2026-11-01T00:00:00.000Z' })
      .execute();
    expect(await migrate(open.db, [...MIGRATIONS, laterStep])).toEqual({ applied: [laterStep.version], version: laterStep.version });
    const rubrics = await open.db.selectFrom('accepted_rubrics').select(['rubric_id', 'accepted_at']).execute();
    expect(rubrics.map((r) => [r.rubric_id, r.accepted_at.toISOString()])).toEqual([['KF9', '2026-11-01T00:00:00.000Z']]);
    const sites = await sql<{ name: string }>`select name from later_sites`.execute(open.db);
    expect(sites.rows).toEqual([{ name: '碧桂园凤凰城管理处' }]);
  });

  it('4. refuses a database migrated by a newer server', async () => {
    await expect(migrate(open.db, MIGRATIONS)).rejects.toThrow(
      new RegExp(`schema is at version ${laterStep.version}, newer than this server knows \\(${MIGRATIONS.length}\\)`),
    );
  });

  it('5. refuses a database whose step is another build’s step under the same number', async () => {
    await expect(migrate(open.db, [...MIGRATIONS, { ...laterStep, name: 'other branch' }])).rejects.toThrow(
      new RegExp(`schema step ${laterStep.version} in the database \\("test: later sites"\\) is not this server's step ${laterStep.version} \\("other branch"\\)`),
    );
  });

  it('6. leaves the database as it was when a step fails half-way', async () => {
    const fresh = await openDatabase(await backend.freshConfig());
    try {
      await migrate(fresh.db);
      await expect(migrate(fresh.db, [...MIGRATIONS, failingStep])).rejects.toThrow(/no_such_table/);
      expect(await tableNames(fresh)).not.toContain('half_done');
      expect(await migrate(fresh.db)).toEqual({ applied: [], version: MIGRATIONS.length });
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('keeps concurrent transactions apart: a rollback undoes only its own writes', async () => {
    await sql`create table tx_probe (n integer primary key)`.execute(open.db);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, n) =>
        open.db.transaction().execute(async (trx) => {
          await trx.executeQuery(sql`insert into tx_probe values (${n})`.compile(trx));
          await new Promise((resolve) => setImmediate(resolve));
          if (n % 2 === 1) throw new Error(`transaction ${n} fails`);
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, n) => (n % 2 === 1 ? 'rejected' : 'fulfilled')));
    const rows = await sql<{ n: number }>`select n from tx_probe order by n`.execute(open.db);
    expect(rows.rows.map((r) => r.n)).toEqual([0, 2, 4, 6, 8, 10]);
  });
});
