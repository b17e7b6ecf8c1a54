// npm run bench:server: the server under 50 concurrent uploaders, on PostgreSQL 15 (a cluster started here like
// the server tests' one) and on the embedded default (PGlite). Figures, not assertions; the goal beside each.
// Uploads: sealed KF01 audits (the fixtures' grades and signatures), each with its own id; "with photos" adds
// 2–10 distinct photos of ~200 KB, PUT before the envelope as a tablet does. Then a ranking query over 100,000
// accepted audits.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { sha256Hex, type SealedEnvelope } from '../src/domain/index';
import { serverConfigSchema } from '../src/server/config';
import { startServer, type RunningServer } from '../src/server/start-server';
import { photoRed } from '../tests/support/sealed-audit';
import { startPostgresCluster } from '../tests/server/support/postgres-cluster';
import { enrol, freshAudit, kf01, seal } from '../tests/server/support/uploads';
import { nodeSigner } from '../tests/support/sealed-audit';

// --quick: a smoke run (a few seconds) that proves the bench works, not a measurement.
const isQuick = process.argv.includes('--quick');
const CLIENTS = 50;
const AUDITS_PLAIN = isQuick ? 100 : 1500;
const AUDITS_PHOTOS = isQuick ? 20 : 300;
const RANKING_AUDITS = isQuick ? 5_000 : 100_000;

interface Upload {
  readonly envelope: string;
  readonly images: readonly { readonly sha256: string; readonly bytes: Uint8Array }[];
}

/** A JPEG-looking photo of about 200 KB, different every time (the blob store keeps each once). */
const photo = (): Uint8Array => Buffer.concat([Buffer.from(photoRed), randomBytes(200_000)]);

async function makeUploads(count: number, withPhotos: boolean, signer: Awaited<ReturnType<typeof nodeSigner>>): Promise<Upload[]> {
  const uploads: Upload[] = [];
  for (let i = 0; i < count; i++) {
    const audit = freshAudit({ site: `管理处 ${i % 200}` });
    const photos = withPhotos ? 2 + (i % 9) : 0;
    const images = new Map<string, Uint8Array>([
      ['sig-auditor', photoRed],
      ['sig-manager', Buffer.concat([Buffer.from(photoRed), Buffer.from([1])])],
    ]);
    const answers = audit.answers.map((a, index) => {
      const ids = index < photos ? [`photo-${index}`] : [];
      for (const id of ids) images.set(id, photo());
      return { ...a, photoIds: ids };
    });
    const envelope: SealedEnvelope = await seal({ ...audit, answers }, signer, { images });
    uploads.push({
      envelope: JSON.stringify(envelope),
      images: [...images.values()].map((bytes) => ({ sha256: sha256Hex(bytes), bytes })),
    });
  }
  return uploads;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function upload(url: string, uploads: readonly Upload[]): Promise<{ perSecond: number; p50: number; p99: number; failed: number }> {
  const queue = [...uploads];
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const t0 = performance.now();
        for (const image of next.images) {
          const put = await fetch(`${url}/api/images/${image.sha256}`, {
            method: 'PUT',
            headers: { 'content-type': 'image/jpeg' },
            body: Buffer.from(image.bytes),
          });
          await put.arrayBuffer();
        }
        const answer = await fetch(`${url}/api/audits`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: next.envelope,
        });
        await answer.arrayBuffer();
        if (answer.status !== 201) failed++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: uploads.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}

/**
 * PLACEHOLDER ranking query (to be replaced at merge by the head-office ranking SQL from the downsync branch):
 * the average percentage per site over the latest revision of every lineage in accepted_revisions.
 */
async function rankingMs(server: RunningServer): Promise<{ ms: number; sites: number }> {
  const { db } = server.services;
  // 100,000 accepted rows, copied from one real row with new ids: the query reads the same columns a real one does.
  const template = await db.selectFrom('accepted_revisions').selectAll().limit(1).executeTakeFirstOrThrow();
  const have = (await sql<{ n: number }>`select count(*)::int as n from accepted_revisions`.execute(db)).rows[0]?.n ?? 0;
  await sql`insert into accepted_revisions
      select gen_random_uuid()::text, gen_random_uuid()::text, 1, encode(sha256(g::text::bytea), 'hex'), signer, rubric_id, rubric_fingerprint,
             'site-' || (g % 500), '管理处 ' || (g % 500), auditor, audited_at - (g % 365) * interval '1 day', sealed_at,
             earned_h, possible_h, (g * 7919) % 1001, facts, envelope_sha256, source, received_at
      from accepted_revisions, generate_series(1, ${RANKING_AUDITS - have}) g
      where audit_id = ${template.audit_id}`.execute(db);
  await sql`analyze accepted_revisions`.execute(db);
  const query = () => sql<{ site_key: string; avg: number }>`
      select site_key, min(site_name) as site_name, avg(percent_tenths)::float as avg, count(*)::int as audits
      from (select distinct on (lineage_id) * from accepted_revisions order by lineage_id, revision desc) latest
      where audited_at >= now() - interval '365 days'
      group by site_key order by avg desc`.execute(db);
  await query();
  const times: number[] = [];
  let sites = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    sites = (await query()).rows.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: percentile(times, 50), sites };
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

async function run(name: 'PostgreSQL' | 'PGlite', databaseUrl: string | undefined): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ducha-bench-server-'));
  const server = await startServer(
    serverConfigSchema.parse({ host: '127.0.0.1', port: 0, dataDir, databaseUrl, distDir: join(dataDir, 'none'), logLevel: 'silent' }),
    { logger: false },
  );
  try {
    const tablet = await nodeSigner();
    await enrol(server.services.db, tablet);
    const plain = await makeUploads(AUDITS_PLAIN, false, tablet);
    const withPhotos = await makeUploads(AUDITS_PHOTOS, true, tablet);
    const a = await upload(server.url, plain);
    console.log(
      `${name.padEnd(10)} ${AUDITS_PLAIN} audits, no photos, ${CLIENTS} clients: ${fmt(a.perSecond)} audits/s (goal on PostgreSQL ≥ 500), p50 ${fmt(a.p50)} ms, p99 ${fmt(a.p99)} ms${a.failed ? `, ${a.failed} not 201` : ''}`,
    );
    const b = await upload(server.url, withPhotos);
    console.log(
      `${name.padEnd(10)} ${AUDITS_PHOTOS} audits, 2–10 photos of ~200 KB: ${fmt(b.perSecond)} audits/s (goal on PostgreSQL ≥ 100), p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms${b.failed ? `, ${b.failed} not 201` : ''}`,
    );
    const r = await rankingMs(server);
    console.log(
      `${name.padEnd(10)} ranking over ${RANKING_AUDITS.toLocaleString('en')} audits (PLACEHOLDER query over accepted_revisions, replaced at merge): ${fmt(r.ms, 1)} ms median of 5 (goal ≤ 200 ms), ${r.sites} sites`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`bench:server on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), rubric ${kf01.id}`);
const cluster = await startPostgresCluster();
try {
  await run('PostgreSQL', await cluster.createDatabase());
} finally {
  await cluster.stop();
}
await run('PGlite', undefined);
