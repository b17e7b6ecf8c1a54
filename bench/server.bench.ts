// npm run bench:server: the server under 50 concurrent uploaders, on PostgreSQL 15 (a cluster started here like
// the server tests' one) and on the embedded default (PGlite). Figures, not assertions; the goal beside each.
// Each client is an auditor account of its own, signed in over HTTP, whose tablet key it enrols with POST
// /api/devices (the tablet's key file), as a tablet does after sign-in. Uploads: sealed KF01 audits (the
// fixtures' grades and signatures) sealed by that tablet, each with its own id; "with photos" adds 2–10
// distinct photos of ~200 KB, PUT before the envelope as a tablet does. Then the head office ranking (the
// function GET /api/head-office/ranking calls, and that route over HTTP as an admin) over 100,000 audits.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { makeDeviceKeyFile, sha256Hex, type SealedEnvelope, type SealSigner } from '../src/domain/index';
import { serverConfigSchema } from '../src/server/config';
import { rankingOf } from '../src/server/head-office/ranking';
import { EVERYTHING, type HeadOfficeFilter } from '../src/server/head-office/view';
import { startServer, type RunningServer } from '../src/server/start-server';
import { startPostgresCluster, type PostgresCluster } from '../tests/server/support/postgres-cluster';
import { addUser, signIn, type SignedIn } from '../tests/server/support/sessions';
import { call, freshAudit, kf01, seal } from '../tests/server/support/uploads';
import { nodeSigner, photoRed } from '../tests/support/sealed-audit';

// --quick: a smoke run (a few seconds) that proves the bench works, not a measurement.
const isQuick = process.argv.includes('--quick');
const CLIENTS = 50;
const AUDITS_PLAIN = isQuick ? 100 : 1500;
const AUDITS_PHOTOS = isQuick ? 20 : 300;
const RANKING_AUDITS = isQuick ? 5_000 : 100_000;
/**
 * The per-account upload limit (default 600 a minute) raised so the bench measures the server, not the
 * limiter: 50 accounts at full speed may send far more than a real tablet catching up does.
 */
const UPLOADS_PER_MINUTE = 1_000_000;
/** The ranking's filter: one year of KF01 up to the bench's audits, so the previous year is summed too (as in the app). */
const RANKING_FILTER: HeadOfficeFilter = {
  rubricId: kf01.id,
  from: '2025-11-25T00:00:00+08:00',
  to: '2026-11-25T00:00:00+08:00',
};

interface Upload {
  readonly envelope: string;
  readonly images: readonly { readonly sha256: string; readonly bytes: Uint8Array }[];
}

/** One of the 50: an auditor signed in on a tablet whose key is enrolled to them, and what it will send. */
interface Uploader {
  readonly client: SignedIn;
  readonly tablet: SealSigner;
}

/** A JPEG-looking photo of about 200 KB, different every time (the blob store keeps each once). */
const photo = (): Uint8Array => Buffer.concat([Buffer.from(photoRed), randomBytes(200_000)]);

async function makeUpload(index: number, withPhotos: boolean, signer: SealSigner): Promise<Upload> {
  const audit = freshAudit({ site: `管理处 ${index % 200}` });
  const photos = withPhotos ? 2 + (index % 9) : 0;
  const images = new Map<string, Uint8Array>([
    ['sig-auditor', photoRed],
    ['sig-manager', Buffer.concat([Buffer.from(photoRed), Buffer.from([1])])],
  ]);
  const answers = audit.answers.map((a, i) => {
    const ids = i < photos ? [`photo-${i}`] : [];
    for (const id of ids) images.set(id, photo());
    return { ...a, photoIds: ids };
  });
  const envelope: SealedEnvelope = await seal({ ...audit, answers }, signer, { images });
  return {
    envelope: JSON.stringify(envelope),
    images: [...images.values()].map((bytes) => ({ sha256: sha256Hex(bytes), bytes })),
  };
}

/** Audit i goes to client i mod 50, sealed by that client's tablet. */
async function makeUploads(
  count: number,
  withPhotos: boolean,
  uploaders: readonly Uploader[],
): Promise<Upload[][]> {
  const perClient: Upload[][] = uploaders.map(() => []);
  for (let i = 0; i < count; i++) {
    const uploader = uploaders[i % uploaders.length];
    if (!uploader) throw new Error('no uploaders');
    perClient[i % uploaders.length]?.push(await makeUpload(i, withPhotos, uploader.tablet));
  }
  return perClient;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function upload(
  uploaders: readonly Uploader[],
  perClient: readonly (readonly Upload[])[],
): Promise<{ perSecond: number; p50: number; p99: number; failed: string[] }> {
  const latencies: number[] = [];
  const failed: string[] = [];
  const started = performance.now();
  await Promise.all(
    uploaders.map(async ({ client }, c) => {
      for (const next of perClient[c] ?? []) {
        const t0 = performance.now();
        for (const image of next.images) {
          const put = await fetch(`${client.baseUrl}/api/images/${image.sha256}`, {
            method: 'PUT',
            headers: { ...client.headers, 'content-type': 'image/jpeg' },
            body: Buffer.from(image.bytes),
          });
          await put.arrayBuffer();
          if (put.status !== 200 && put.status !== 201) failed.push(`PUT image ${put.status}`);
        }
        const answer = await fetch(`${client.baseUrl}/api/audits`, {
          method: 'POST',
          headers: { ...client.headers, 'content-type': 'application/json' },
          body: next.envelope,
        });
        const text = await answer.text();
        if (answer.status !== 201) failed.push(`POST audit ${answer.status} ${text.slice(0, 200)}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const count = perClient.reduce((n, list) => n + list.length, 0);
  return {
    perSecond: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed,
  };
}

/** 50 auditor accounts, each signed in over HTTP and enrolling its own tablet's key file. */
async function uploaders(server: RunningServer): Promise<Uploader[]> {
  const result: Uploader[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const user = await addUser(server.services.db, 'auditor', {
      username: `auditor-${i}`,
      displayName: `督查员 ${i}`,
    });
    const client = await signIn(server.url, user.username, user.password);
    const tablet = await nodeSigner();
    const keyFile = await makeDeviceKeyFile(tablet, {
      deviceLabel: `平板 ${i}`,
      auditor: `督查员 ${i}`,
      createdAt: '2026-11-01T00:00:00.000Z',
    });
    if (!keyFile.ok) throw new Error(JSON.stringify(keyFile.issues));
    const enrolled = await call(client, 'POST', '/api/devices', { keyFile: keyFile.value });
    if (enrolled.status !== 201)
      throw new Error(`enrol tablet ${i}: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
    result.push({ client, tablet });
  }
  return result;
}

/**
 * Fills accepted_revisions to RANKING_AUDITS rows, copied from one uploaded row with new ids, 500 sites and
 * dates over the year before the bench's audits: the ranking reads the same columns a real row has.
 */
async function fillTo(server: RunningServer): Promise<void> {
  const { db } = server.services;
  const template = await db.selectFrom('accepted_revisions').selectAll().limit(1).executeTakeFirstOrThrow();
  const have =
    (await sql<{ n: number }>`select count(*)::int as n from accepted_revisions`.execute(db)).rows[0]?.n ?? 0;
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
  if (
    answer.status !== 200 ||
    typeof body !== 'object' ||
    body === null ||
    !('ranking' in body) ||
    !Array.isArray(body.ranking)
  )
    throw new Error(`GET /api/head-office/ranking: ${answer.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body.ranking.length;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const failures = (failed: readonly string[]) =>
  failed.length ? `, ${failed.length} failed (first: ${failed[0] ?? ''})` : '';

async function run(name: 'PostgreSQL' | 'PGlite', databaseUrl: string | undefined): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ducha-bench-server-'));
  const server = await startServer(
    serverConfigSchema.parse({
      host: '127.0.0.1',
      port: 0,
      dataDir,
      databaseUrl,
      distDir: join(dataDir, 'none'),
      logLevel: 'silent',
      uploadsPerMinute: UPLOADS_PER_MINUTE,
    }),
    { logger: false },
  );
  try {
    const clients = await uploaders(server);
    const plain = await makeUploads(AUDITS_PLAIN, false, clients);
    const withPhotos = await makeUploads(AUDITS_PHOTOS, true, clients);
    const a = await upload(clients, plain);
    console.log(
      `${name.padEnd(10)} ${AUDITS_PLAIN} audits, no photos, ${CLIENTS} auditors: ${fmt(a.perSecond)} audits/s (goal on PostgreSQL ≥ 500), p50 ${fmt(a.p50)} ms, p99 ${fmt(a.p99)} ms${failures(a.failed)}`,
    );
    const b = await upload(clients, withPhotos);
    console.log(
      `${name.padEnd(10)} ${AUDITS_PHOTOS} audits, 2–10 photos of ~200 KB: ${fmt(b.perSecond)} audits/s (goal on PostgreSQL ≥ 100), p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms${failures(b.failed)}`,
    );
    await fillTo(server);
    const direct = await medianOf5(
      async () => (await rankingOf(server.services.db, RANKING_FILTER, EVERYTHING, 5)).length,
    );
    console.log(
      `${name.padEnd(10)} ranking (rankingOf, a year and the year before) over ${RANKING_AUDITS.toLocaleString('en')} audits: ${fmt(direct.ms, 1)} ms median of 5 (goal ≤ 200 ms), ${direct.sites} sites`,
    );
    const admin = await addUser(server.services.db, 'admin', { username: 'bench-admin' });
    const adminClient = await signIn(server.url, admin.username, admin.password);
    const http = await medianOf5(() => rankingOverHttp(adminClient));
    console.log(
      `${name.padEnd(10)} GET /api/head-office/ranking as admin, same filter: ${fmt(http.ms, 1)} ms median of 5 (goal ≤ 200 ms), ${http.sites} sites`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `bench:server on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}, rubric ${kf01.id}${isQuick ? ', --quick (a smoke run, not a measurement)' : ''}`,
);
console.log(
  `upload limit raised to ${UPLOADS_PER_MINUTE.toLocaleString('en')} a minute per account (--uploads-per-minute; default 600) so the limiter is not what is measured`,
);
let cluster: PostgresCluster | undefined;
// Ctrl-C must not leave a postgres running in a temp dir.
const stopOnSignal = (signal: NodeJS.Signals) => {
  void (cluster ? cluster.stop() : Promise.resolve()).finally(() =>
    process.exit(signal === 'SIGINT' ? 130 : 143),
  );
};
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);
cluster = await startPostgresCluster();
try {
  await run('PostgreSQL', await cluster.createDatabase());
} finally {
  await cluster.stop();
  cluster = undefined;
}
await run('PGlite', undefined);
