// npm run bench [-- --quick] [-- --only sheet,first-load,cli-import]: every figure of issue 10
// in one run, each with its goal and pass / MISS, then all of them in one table. Builds the app (and the
// SurveyJS app beside it) once into a temp dir and serves it in this process on BENCH_PORT (default 4366);
// after the run the port is checked free, so no preview server outlives the bench.
// Figures, not assertions: speed goals live here, never in timed unit tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchParts } from './parts';
import { buildApps, isPortFree, serveApps } from './support/apps';
import type { BenchContext } from './support/context';
import { loadAverage, summaryTable, type PartResult } from './support/figures';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } });
const only = values.only?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !benchParts.some((p) => p.name === name)) ?? [];
if (unknown.length > 0)
  throw new Error(
    `no bench part ${unknown.join(', ')}; the parts are ${benchParts.map((p) => p.name).join(', ')}`,
  );
const parts = benchParts.filter((p) => only === undefined || only.includes(p.name));

const port = Number(process.env.BENCH_PORT ?? 4366);
const started = Date.now();
const loadAtStart = loadAverage();
const out = mkdtempSync(join(tmpdir(), 'ducha-bench-build-'));
const log = (line: string) => process.stderr.write(`${line}\n`);
const results: PartResult[] = [];
let isFree = false;
try {
  log(`building Ducha and the SurveyJS app into ${out} …`);
  await buildApps(out);
  const server = await serveApps(out, port);
  try {
    const context: BenchContext = {
      origin: `http://127.0.0.1:${String(port)}`,
      out,
      quick: values.quick ?? false,
      log,
      print: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    };
    for (const part of parts) {
      log(`— ${part.name} (load average ${loadAverage()})`);
      results.push(await part.run(context));
    }
  } finally {
    await server.close();
    isFree = await isPortFree(port);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.stdout.write(summaryTable(results, loadAtStart, loadAverage()));
process.stdout.write(
  `  (${values.quick ? 'quick run, ' : ''}${String(Math.round((Date.now() - started) / 1000))} s in all; port ${String(port)} free after the run: ${isFree ? 'yes' : 'NO'})\n`,
);
if (!isFree) process.exitCode = 1;
