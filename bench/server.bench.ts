// npm run bench:server: the server under 50 concurrent uploaders, on PostgreSQL 15 (a cluster started here like
// the server tests' one) and on the embedded default (PGlite). Figures, not assertions; the goal beside each.
// The server runs as its own process (`src/server/main.ts`, as `npm start` runs it); the 50 clients run here,
// every envelope sealed before the clock starts, so the clients' sealing and hashing never compete with the
// server for its event loop. Each client is an auditor account of its own, signed in over HTTP, with its
// tablet's key enrolled to it. Uploads: sealed KF01 audits (the fixtures' grades and signatures), each with its
// own id; "with photos" adds 2–10 distinct photos of ~200 KB, PUT before the envelope as a tablet does. Then the
// head office ranking (the function GET /api/head-office/ranking calls, and that route over HTTP as an admin)
// over 100,000 audits. The server's CPU time (and PostgreSQL's) per upload is read from /proc.
//
// Options: --quick (a smoke run), --backend postgresql|pglite, --runs N (fresh server each run, medians),
// --no-ranking, --against DIR (alternate runs with the server of another checkout, e.g. a `git archive` of
// main with node_modules linked: before/after under the same conditions), --count (per-upload work counts,
// sequential, instead of timings), --log-level LEVEL (the server's; silent by default), --cpu-prof DIR (the
// server's V8 CPU profiles, written there when it stops), --plain N / --photos N (audits per run; 1,500 and 300).
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { countWork, countWorkAtOnce, type CountedWork } from './support/server-work';
import { makeUploads, makeTablets, runUploads, type Upload, type UploadRun } from './support/upload-load';
import { measureRanking } from './support/ranking-load';
import { startServerUnderTest, UPLOADS_PER_MINUTE } from './support/server-under-test';
import { cpuSecondsOf, postgresCpuSeconds } from './support/process-cpu';
import { startPostgresCluster, type PostgresCluster } from '../tests/server/support/postgres-cluster';
import { kf01 } from '../tests/server/support/uploads';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    backend: { type: 'string' },
    runs: { type: 'string', default: '1' },
    'no-ranking': { type: 'boolean', default: false },
    against: { type: 'string' },
    count: { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'silent' },
    'cpu-prof': { type: 'string' },
    plain: { type: 'string' },
    photos: { type: 'string' },
  },
});
const isQuick = flags.quick;
const CLIENTS = 50;
const AUDITS_PLAIN = Number(flags.plain ?? (isQuick ? 100 : 1500));
const AUDITS_PHOTOS = Number(flags.photos ?? (isQuick ? 20 : 300));
const RUNS = Math.max(1, Number(flags.runs) || 1);
type Backend = 'PostgreSQL' | 'PGlite';
const BACKENDS: readonly Backend[] =
  flags.backend === 'postgresql' ? ['PostgreSQL'] : flags.backend === 'pglite' ? ['PGlite'] : ['PostgreSQL', 'PGlite'];
/** Which server each run uses: alternating with --against, the other checkout's first. */
const variants: readonly { readonly name: string; readonly cwd: string | undefined }[] = flags.against
  ? [
      { name: 'against', cwd: flags.against },
      { name: 'this', cwd: undefined },
    ]
  : [{ name: 'this', cwd: undefined }];

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

interface Measured extends UploadRun {
  /** CPU seconds of the server process per upload, and of PostgreSQL's processes (0 on PGlite). */
  readonly serverCpuMs: number;
  readonly postgresCpuMs: number;
}

function describe(run: Measured): string {
  const failed = run.failed.length ? `, ${run.failed.length} FAILED (first: ${run.failed[0] ?? ''})` : '';
  const pgCpu = run.postgresCpuMs > 0 ? `, PostgreSQL ${fmt(run.postgresCpuMs, 2)} ms` : '';
  return `${fmt(run.perSecond)} audits/s, p50 ${fmt(run.p50)} ms, p99 ${fmt(run.p99)} ms; CPU per upload: server ${fmt(run.serverCpuMs, 2)} ms${pgCpu}${failed}`;
}

async function measured(
  pid: number,
  postgresPort: number | undefined,
  count: number,
  go: () => Promise<UploadRun>,
): Promise<Measured> {
  const pgCpu = () => (postgresPort === undefined ? 0 : postgresCpuSeconds(postgresPort));
  const cpu0 = cpuSecondsOf(pid);
  const pg0 = pgCpu();
  const run = await go();
  return {
    ...run,
    serverCpuMs: ((cpuSecondsOf(pid) - cpu0) * 1000) / count,
    postgresCpuMs: ((pgCpu() - pg0) * 1000) / count,
  };
}

const postgresPortOf = (url: string | undefined) => (url === undefined ? undefined : Number(new URL(url).port));

async function timedRuns(backend: Backend, cluster: PostgresCluster | undefined): Promise<void> {
  const tablets = await makeTablets(CLIENTS);
  const t0 = performance.now();
  const plain = await makeUploads(AUDITS_PLAIN, false, tablets);
  const withPhotos = await makeUploads(AUDITS_PHOTOS, true, tablets);
  console.log(`${backend}: ${AUDITS_PLAIN + AUDITS_PHOTOS} envelopes sealed in ${fmt((performance.now() - t0) / 1000, 1)} s, before any clock`);
  const results = new Map<string, { plain: Measured[]; photos: Measured[] }>(variants.map((v) => [v.name, { plain: [], photos: [] }]));
  for (let run = 0; run < RUNS; run++)
    for (const variant of variants) {
      const databaseUrl = cluster ? await cluster.createDatabase() : undefined;
      const server = await startServerUnderTest({
        databaseUrl,
        tablets,
        cwd: variant.cwd,
        logLevel: flags['log-level'],
        cpuProfileDir: flags['cpu-prof'],
      });
      const pgPort = postgresPortOf(databaseUrl);
      try {
        const upload = (perClient: readonly (readonly Upload[])[], count: number) =>
          measured(server.pid, pgPort, count, () => runUploads(server.clients, perClient));
        const a = await upload(plain, AUDITS_PLAIN);
        const b = await upload(withPhotos, AUDITS_PHOTOS);
        results.get(variant.name)?.plain.push(a);
        results.get(variant.name)?.photos.push(b);
        const tag = `${backend.padEnd(10)} run ${run + 1}/${RUNS}${flags.against ? ` ${variant.name.padEnd(7)}` : ''}`;
        console.log(`${tag} ${AUDITS_PLAIN} audits, no photos, ${CLIENTS} auditors: ${describe(a)} (load ${load()})`);
        console.log(`${tag} ${AUDITS_PHOTOS} audits, 2–10 photos of ~200 KB: ${describe(b)} (load ${load()})`);
        if (!flags['no-ranking'] && run === RUNS - 1 && variant.name === 'this') await measureRanking(backend, server);
      } finally {
        await server.dispose();
      }
    }
  for (const [name, { plain: a, photos: b }] of results) {
    const summary = (list: readonly Measured[]) =>
      `median ${fmt(median(list.map((r) => r.perSecond)))} audits/s (${list.map((r) => fmt(r.perSecond)).join(', ')}), p50 ${fmt(median(list.map((r) => r.p50)))} ms, p99 ${fmt(median(list.map((r) => r.p99)))} ms, server CPU ${fmt(median(list.map((r) => r.serverCpuMs)), 2)} ms/upload`;
    const who = flags.against ? ` ${name}` : '';
    console.log(`${backend.padEnd(10)}${who} over ${RUNS} run(s), no photos (goal on PostgreSQL ≥ 500): ${summary(a)}`);
    console.log(`${backend.padEnd(10)}${who} over ${RUNS} run(s), with photos (goal on PostgreSQL ≥ 100): ${summary(b)}`);
  }
}

const COUNTED_UPLOADS = 40;

/** Per-upload work: one client sending one upload after another, then all 50 at once (2 uploads each). */
async function countedRuns(backend: Backend, cluster: PostgresCluster | undefined): Promise<void> {
  const tablets = await makeTablets(CLIENTS);
  const [first] = tablets;
  if (!first) throw new Error('no tablets');
  const plain = await makeUploads(COUNTED_UPLOADS, false, [first]);
  const withPhotos = await makeUploads(COUNTED_UPLOADS, true, [first]);
  const plainAtOnce = await makeUploads(2 * CLIENTS, false, tablets);
  const photosAtOnce = await makeUploads(2 * CLIENTS, true, tablets);
  for (const variant of variants) {
    const databaseUrl = cluster ? await cluster.createDatabase() : undefined;
    const server = await startServerUnderTest({ databaseUrl, tablets, cwd: variant.cwd, count: true });
    try {
      const report = (what: string, work: CountedWork) => {
        console.log(
          `${backend.padEnd(10)}${flags.against ? ` ${variant.name.padEnd(7)}` : ''} per upload, ${what}: ${fmt(work.requests, 1)} requests, ${fmt(work.statements, 1)} SQL statements, ${fmt(work.fsyncs, 1)} fsyncs, ${fmt(work.sha256Passes, 1)} SHA-256 passes over ${fmt(work.sha256Bytes / 1024)} KB, ${fmt(work.signatureChecks, 1)} signature checks, ${fmt(work.bigJsonParses, 1)} JSON parses > 1 KB`,
        );
      };
      report('no photos, one at a time', await countWork(server, plain));
      report('2–10 photos, one at a time', await countWork(server, withPhotos));
      report(`no photos, ${CLIENTS} at once`, await countWorkAtOnce(server, plainAtOnce));
      report(`2–10 photos, ${CLIENTS} at once`, await countWorkAtOnce(server, photosAtOnce));
    } finally {
      await server.dispose();
    }
  }
}

console.log(
  `bench:server on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${load()}, rubric ${kf01.id}${isQuick ? ', --quick (a smoke run, not a measurement)' : ''}`,
);
console.log(
  `server: its own process (src/server/main.ts${flags.against ? `; alternating with ${flags.against}` : ''}), log level ${flags['log-level']}; upload limit raised to ${UPLOADS_PER_MINUTE.toLocaleString('en')} a minute per account (default 600) so the limiter is not what is measured`,
);
let cluster: PostgresCluster | undefined;
// Ctrl-C must not leave a postgres running in a temp dir.
const stopOnSignal = (signal: NodeJS.Signals) => {
  void (cluster ? cluster.stop() : Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
};
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);
const runBackend = flags.count ? countedRuns : timedRuns;
for (const backend of BACKENDS) {
  if (backend === 'PostgreSQL') {
    cluster = await startPostgresCluster();
    try {
      await runBackend(backend, cluster);
    } finally {
      await cluster.stop();
      cluster = undefined;
    }
  } else await runBackend(backend, undefined);
}
