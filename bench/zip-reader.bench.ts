// npx tsx bench/zip-reader.bench.ts: the zip layer alone of a bundle import, as the app reads it (directory, layout, every entry
// read, inflated and checked), without seals, so a change to the reader shows in its own figure. A bundle shaped
// like a tablet's month: 2,000 deflated envelopes of ≈6 KB and 400 stored photos of 300 KB (≈130 MB).
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { performance } from 'node:perf_hooks';
import { bytesSource, DEFAULT_BUNDLE_LIMITS, readZipDirectory, readZipEntry, windowedSource } from '../src/domain/head-office';

function bundleBytes(): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  let seed = 1;
  const noise = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  for (let i = 0; i < 400; i++) {
    const file = new ZipPassThrough(`images/${i.toString(16).padStart(64, '0')}`);
    zip.add(file);
    file.push(noise(300 * 1024), true);
  }
  const answers = Array.from({ length: 120 }, (_, k) => ({ id: `1.${k}`, grade: k % 3, note: '现场查看，符合要求。' }));
  for (let i = 0; i < 2000; i++) {
    const file = new ZipDeflate(`audits/${i}.json`, { level: 6 });
    zip.add(file);
    file.push(strToU8(JSON.stringify({ id: i, answers })), true);
  }
  zip.end();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const bytes = bundleBytes();
const runs: number[] = [];
for (let run = 0; run < 7; run++) {
  const started = performance.now();
  const source = windowedSource(bytesSource(bytes));
  const directory = await readZipDirectory(source, DEFAULT_BUNDLE_LIMITS);
  if (!directory.ok) throw new Error(directory.issues[0]?.message);
  for (const entry of directory.value) {
    const read = await readZipEntry(source, entry, DEFAULT_BUNDLE_LIMITS);
    if (!read.ok) throw new Error(read.issues[0]?.message);
  }
  runs.push(performance.now() - started);
}
runs.sort((a, b) => a - b);
process.stdout.write(
  `zip layer of a ${(bytes.length / 1024 / 1024).toFixed(0)} MiB bundle (2,400 entries): median ${runs[3]?.toFixed(0)} ms, best ${runs[0]?.toFixed(0)} ms of 7\n`,
);
