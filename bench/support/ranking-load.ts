// The head office ranking over 100,000 audits, after the upload runs: the server is stopped while the bench
// fills accepted_revisions and times rankingOf itself (the embedded database allows one process), then
// started again for the same ranking over HTTP as an admin.
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/server/db/tables';
import { rankingOf } from '../../src/server/head-office/ranking';
import { EVERYTHING, type HeadOfficeFilter } from '../../src/server/head-office/view';
import { addUser, signIn, type SignedIn } from '../../tests/server/support/sessions';
import { call, kf01 } from '../../tests/server/support/uploads';
import type { ServerUnderTest } from './server-under-test';

const isQuick = process.argv.includes('--quick');
const RANKING_AUDITS = isQuick ? 5_000 : 100_000;
/** The ranking's filter: one year of KF01 up to the bench's audits, so the previous year is summed too (as in the app). */
const RANKING_FILTER: HeadOfficeFilter = {
  rubricId: kf01.id,
  from: '2025-11-25T00:00:00+08:00',
  to: '2026-11-25T00:00:00+08:00',
};

/**
 * Fills accepted_revisions to RANKING_AUDITS rows, copied from one uploaded row with new ids, 500 sites and
 * dates over the year before the bench's audits: the ranking reads the same columns a real row has.
 */
async function fillTo(db: Kysely<Database>): Promise<void> {
  const template = await db.selectFrom('accepted_revisions').selectAll().limit(1).executeTakeFirstOrThrow();
  const have = (await sql<{ n: number }>`select count(*)::int as n from accepted_revisions`.execute(db)).rows[0]?.n ?? 0;
  await sql`insert into accepted_revisions (audit_id, lineage_id, revision, seal_hash, signer, rubric_id, rubric_fingerprint,
             site_key, site_name, auditor, audited_at, sealed_at, earned_h, possible_h, percent_tenths, facts, envelope_sha256,
             source, received_at, region)
      select gen_random_uuid()::text, gen_random_uuid()::text, 1, encode(sha256(g::text::bytea), 'hex'), signer, rubric_id,
             rubric_fingerprint, 'site-' || (g % 500), '管理处 ' || (g % 500), auditor, audited_at - (g % 365) * interval '1 day',
             sealed_at, earned_h, possible_h, (g * 7919) % 1001, facts, envelope_sha256, source, received_at,
             '区域 ' || (g % 5)
      from accepted_revisions, generate_series(1, ${RANKING_AUDITS - have}) g
      where audit_id = ${template.audit_id}`.execute(db);
  await sql`analyze accepted_revisions`.execute(db);
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function medianOf5(run: () => Promise<number>): Promise<{ ms: number; sites: number }> {
  await run();
  const times: number[] = [];
  let sites = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    sites = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: percentile(times, 50), sites };
}

async function rankingOverHttp(admin: SignedIn): Promise<number> {
  const query = new URLSearchParams({
    rubricId: RANKING_FILTER.rubricId,
    from: RANKING_FILTER.from ?? '',
    to: RANKING_FILTER.to ?? '',
  });
  const answer = await call(admin, 'GET', `/api/head-office/ranking?${query.toString()}`);
  const body = answer.body;
  if (answer.status !== 200 || typeof body !== 'object' || body === null || !('ranking' in body) || !Array.isArray(body.ranking))
    throw new Error(`GET /api/head-office/ranking: ${answer.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body.ranking.length;
}

export async function measureRanking(backend: string, server: ServerUnderTest): Promise<void> {
  await server.stop();
  const opened = await server.openDirectly();
  let direct: { ms: number; sites: number };
  let admin: { username: string; password: string };
  try {
    const { db } = opened.services;
    await fillTo(db);
    direct = await medianOf5(async () => (await rankingOf(db, RANKING_FILTER, EVERYTHING, 5)).length);
    admin = await addUser(db, 'admin', { username: 'bench-admin' });
  } finally {
    await opened.close();
  }
  console.log(
    `${backend.padEnd(10)} ranking (rankingOf in the bench's process, a year and the year before) over ${RANKING_AUDITS.toLocaleString('en')} audits: ${direct.ms.toFixed(1)} ms median of 5 (goal ≤ 200 ms), ${direct.sites} sites`,
  );
  await server.start();
  const adminClient = await signIn(server.url, admin.username, admin.password);
  const http = await medianOf5(() => rankingOverHttp(adminClient));
  console.log(
    `${backend.padEnd(10)} GET /api/head-office/ranking as admin, same filter: ${http.ms.toFixed(1)} ms median of 5 (goal ≤ 200 ms), ${http.sites} sites`,
  );
}
