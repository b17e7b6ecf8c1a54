import { strToU8, Zip, ZipDeflate, ZipPassThrough, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { craftZip, localEntry, type CraftEntry, type CraftOptions } from '../../../tests/support/craft-zip';
import { DEFAULT_BUNDLE_LIMITS, readBundle } from './read-bundle';
import { bytesSource, readZipDirectory, readZipEntry } from './zip-reader';

const neverCalled = () => Promise.reject(new Error('no seal should be checked'));

// manifest.json stored with 10 bytes of data: its local entry is 30 + 13 (name) + 10 = 53 bytes, so the second
// entry's local header is at offset 53.
const first: CraftEntry = { name: 'manifest.json', data: strToU8('hello, zip') };
const secondData = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
const second: CraftEntry = { name: 'audits/b.json', data: secondData };
const altered = Uint8Array.from(secondData, (b, i) => (i === 100 ? b ^ 1 : b));

type Outcome = { ok: true; entries: Uint8Array[] } | { ok: false; message: string; problem: unknown };

/** The reader's whole path: the directory (with its layout checks), then every entry read. */
async function readAll(zip: Uint8Array): Promise<Outcome> {
  const source = bytesSource(zip);
  const directory = await readZipDirectory(source, DEFAULT_BUNDLE_LIMITS);
  if (!directory.ok) return { ok: false, message: directory.issues[0]?.message ?? '', problem: directory.issues[0]?.problem };
  const entries: Uint8Array[] = [];
  for (const entry of directory.value) {
    const read = await readZipEntry(source, entry, DEFAULT_BUNDLE_LIMITS);
    if (!read.ok) return { ok: false, message: read.issues[0]?.message ?? '', problem: read.issues[0]?.problem };
    entries.push(read.value);
  }
  return { ok: true, entries };
}

interface FaultCase {
  readonly fault: string;
  readonly entries: readonly CraftEntry[];
  readonly options?: CraftOptions;
  readonly message: RegExp;
  readonly entry?: string;
  readonly offset: number;
}

const b = 'audits/b.json';
const faults: readonly FaultCase[] = [
  {
    fault: 'stored bytes changed, headers left as they were (CRC-32)',
    entries: [first, { ...second, writtenData: altered }],
    message: /^a malformed zip: zip entry "audits\/b\.json" at offset 53: its bytes fail their CRC-32 check \(the zip says [0-9a-f]{8}, the bytes give [0-9a-f]{8}\)$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'a deflated entry whose CRC-32 is wrong in both headers',
    entries: [first, { ...second, deflate: true, local: { crc32: 0x12345678 }, central: { crc32: 0x12345678 } }],
    message: /at offset 53: its bytes fail their CRC-32 check \(the zip says 12345678, the bytes give [0-9a-f]{8}\)$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'the local header names another file',
    entries: [first, { ...second, local: { name: 'audits/c.json' } }],
    message: /^a malformed zip: zip entry "audits\/b\.json" at offset 53: its local header names "audits\/c\.json"$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'the local header gives another compressed size',
    entries: [first, { ...second, local: { compressedSize: 199 } }],
    message: /at offset 53: its local header compressed size says 199, the central directory 200$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'the local header gives another uncompressed size',
    entries: [first, { ...second, deflate: true, local: { size: 201 } }],
    message: /at offset 53: its local header size says 201, the central directory 200$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'the local header gives another CRC-32',
    entries: [first, { ...second, local: { crc32: 0xdeadbeef } }],
    message: /at offset 53: its local header CRC-32 says deadbeef, the central directory [0-9a-f]{8}$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'the local header gives another method',
    entries: [first, { ...second, local: { method: 8 } }],
    message: /at offset 53: its local header says method 8, the central directory 0$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'the local header gives other flags',
    entries: [first, { ...second, local: { flags: 0x0800 } }],
    message: /at offset 53: its local header has flags 2048, the central directory 0$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'a data descriptor whose CRC-32 disagrees',
    entries: [first, { ...second, descriptor: 'signed', described: { crc32: 1 } }],
    message: /at offset 53: its data descriptor CRC-32 says 00000001, the central directory [0-9a-f]{8}$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'a data descriptor (no signature) whose size disagrees',
    entries: [first, { ...second, deflate: true, descriptor: 'unsigned', described: { size: 7 } }],
    message: /at offset 53: its data descriptor size says 7, the central directory 200$/,
    entry: b,
    offset: 53,
  },
  {
    // A reader that scans local headers from the front takes the first copy; the directory names the second.
    fault: 'a hidden local copy placed before the genuine entry',
    entries: [first, { ...second, before: localEntry({ name: b, data: altered }) }],
    // The hidden copy is 30 + 13 + 200 = 243 bytes: bytes 53 to 295.
    message: /^a malformed zip: bytes 53 to 295 belong to no entry the central directory lists \(a hidden local copy, or data smuggled in\), before zip entry "audits\/b\.json" at offset 296$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'a hidden local copy at the very start of the file',
    entries: [{ ...first, before: localEntry({ name: 'manifest.json', data: strToU8('evil') }) }, second],
    // 30 + 13 + 4 = 47 bytes before the first listed entry.
    message: /bytes 0 to 46 belong to no entry .* before zip entry "manifest\.json" at offset 47$/,
    entry: 'manifest.json',
    offset: 0,
  },
  {
    fault: 'a directory entry pointing into another entry (two entries sharing bytes)',
    entries: [first, { ...second, central: { localOffset: 0 } }],
    message: /^a malformed zip: zip entry "audits\/b\.json" at offset 0 starts inside "manifest\.json", which runs to offset 53$/,
    entry: b,
    offset: 0,
  },
  {
    fault: 'an entry whose data runs into the central directory',
    entries: [first, { ...second, central: { compressedSize: 230 } }],
    message: /at offset 53: its data runs into the central directory$/,
    entry: b,
    offset: 53,
  },
  {
    fault: 'bytes between the last entry and the central directory',
    entries: [first, second],
    options: { beforeDirectory: strToU8('PK\u0003\u0004 smuggled') },
    // second ends at 53 + 30 + 13 + 200 = 296; 13 bytes follow (4 + ' smuggled').
    message: /^a malformed zip: bytes 296 to 308 belong to no entry .* before the central directory$/,
    offset: 296,
  },
  {
    fault: 'central records beyond the count of the end record',
    entries: [first, second],
    options: { uncountedRecords: [{ name: 'audits/x.json', data: strToU8('x') }] },
    // The directory starts at 296; two records of 46 + 13 bytes; the uncounted one is 59 bytes.
    message: /^a malformed zip: the central directory has 59 bytes beyond its 2 entries$/,
    offset: 296 + 2 * 59,
  },
  {
    fault: 'bytes after the end record',
    entries: [first, second],
    options: { afterEnd: strToU8('trailer') },
    // The end record is at 296 + 2 × 59 = 414.
    message: /^a malformed zip: its end record at offset 414 does not end the file$/,
    offset: 414,
  },
];

describe('a malformed zip is refused as malformed, with the entry and the offset', () => {
  it.each(faults)('$fault', async ({ entries, options, message, entry, offset }) => {
    const result = await readAll(craftZip(entries, options));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(message);
    expect(result.problem).toEqual({ code: 'zipMalformed', ...(entry === undefined ? {} : { entry }), offset });
  });
});

describe('well-formed zips are read exactly', () => {
  const expected = [strToU8('hello, zip'), secondData];
  it.each<[string, CraftEntry]>([
    ['stored', second],
    ['deflated', { ...second, deflate: true }],
    ['with a signed data descriptor', { ...second, deflate: true, descriptor: 'signed' }],
    ['with an unsigned data descriptor', { ...second, descriptor: 'unsigned' }],
  ])('%s', async (_, entry) => {
    expect(await readAll(craftZip([first, entry]))).toEqual({ ok: true, entries: expected });
  });

  it('as fflate writes them, whole or streamed (the bundle writer streams, with descriptors)', async () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      chunks.push(chunk);
    });
    const deflated = new ZipDeflate('manifest.json', { level: 6 });
    zip.add(deflated);
    deflated.push(strToU8('hello, zip'), true);
    const stored = new ZipPassThrough(b);
    zip.add(stored);
    stored.push(secondData, true);
    zip.end();
    const streamed = Uint8Array.from(chunks.flatMap((c) => [...c]));
    expect(await readAll(streamed)).toEqual({ ok: true, entries: expected });
    expect(await readAll(zipSync({ 'manifest.json': strToU8('hello, zip'), [b]: secondData }))).toEqual({ ok: true, entries: expected });
    expect(await readAll(craftZip([]))).toEqual({ ok: true, entries: [] });
  });
});

const manifestOf = (paths: readonly string[]) =>
  strToU8(JSON.stringify({ format: 'ducha.bundle', version: 2, createdAt: '2026-12-01T00:00:00.000Z', audits: paths.map((path) => ({ path })), counts: { audits: paths.length, rubrics: 0, images: 0 } }));

describe('readBundle and the zip layer', () => {
  it('refuses the whole file when an entry it reads fails its CRC, instead of refusing that audit as not JSON', async () => {
    const manifest: CraftEntry = { name: 'manifest.json', data: manifestOf(['audits/a.json']) };
    const envelope = strToU8('{"payload":{}}');
    const zip = craftZip([manifest, { name: 'audits/a.json', data: envelope, writtenData: strToU8('{"payload":[]}') }]);
    const result = await readBundle(bytesSource(zip), neverCalled);
    const at = localEntry(manifest).length;
    expect(result.ok).toBe(false);
    const [issue] = result.ok ? [] : result.issues;
    expect(issue?.path).toBe('(file)');
    expect(issue?.message).toMatch(new RegExp(`^a malformed zip: zip entry "audits/a\\.json" at offset ${at}: its bytes fail their CRC-32 check`));
    expect(issue?.problem).toEqual({ code: 'zipMalformed', entry: 'audits/a.json', offset: at });
    expect(result.ok ? 'read' : result.issues.length).toBe(1);
  });

  it('reports rubrics and images no audit names, envelopes the manifest does not list, and strangers', async () => {
    const hex = 'ab'.repeat(32);
    const zip = zipSync({
      'manifest.json': manifestOf([]),
      [`rubrics/${hex}.json`]: strToU8('{}'),
      [`images/${hex}`]: Uint8Array.of(0xff, 0xd8, 0xff),
      'audits/x.json': strToU8('{}'),
      'notes.txt': strToU8('hi'),
      'images/': new Uint8Array(0),
    });
    const result = await readBundle(bytesSource(zip), neverCalled);
    expect(result.ok && result.value.verdicts).toEqual([]);
    expect(result.ok && result.value.unusedEntries).toEqual([
      { entry: `rubrics/${hex}.json`, reason: `rubrics/${hex}.json is named by no audit in the manifest; it is ignored`, problem: { code: 'unusedEntry', entry: `rubrics/${hex}.json` } },
      { entry: `images/${hex}`, reason: `images/${hex} is named by no audit in the manifest; it is ignored`, problem: { code: 'unusedEntry', entry: `images/${hex}` } },
      { entry: 'audits/x.json', reason: 'audits/x.json is not listed in the manifest; it is ignored', problem: { code: 'notListed', entry: 'audits/x.json' } },
      { entry: 'notes.txt', reason: 'zip entry notes.txt is not part of a Ducha bundle; it is ignored', problem: { code: 'stranger', entry: 'notes.txt' } },
    ]);
  });
});
