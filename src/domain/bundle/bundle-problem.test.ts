import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { BundleProblem } from './bundle-problem';
import { jsonErrorAt } from './bundle-problem';
import { checkBundleEntry } from './check-bundle';
import { readBundle } from './read-bundle';
import { bytesSource } from './zip-reader';

const neverCalled = () => Promise.reject(new Error('no seal should be checked'));

/** The problem of a file refused as a whole. */
async function fileProblem(bytes: Uint8Array): Promise<BundleProblem | undefined> {
  const result = await readBundle(bytesSource(bytes), neverCalled);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.issues[0]?.problem;
}

const manifest = (paths: string[]) =>
  strToU8(
    JSON.stringify({
      format: 'ducha.bundle',
      version: 2,
      createdAt: '2026-11-30T00:00:00.000Z',
      audits: paths.map((path) => ({ path })),
      counts: { audits: paths.length, rubrics: 0, images: 0 },
    }),
  );

describe('a refused file says what and where as data, beside its English message', () => {
  it.each([
    // Cut short: V8 names the position at the very end.
    ['{"format": "ducha.bundle", ', { code: 'jsonTruncated' }],
    ['{"format": "ducha.bundle",\n  "version": 1}}', { code: 'notJson', line: 2, column: 16 }],
    ['%PDF-1.7', { code: 'unknownFormat' }],
    [
      '{"version": 1, "createdAt": "2026-11-30T00:00:00Z", "audits": []}',
      { code: 'notBundle', field: 'format', fieldProblem: 'value' },
    ],
    [
      '{"format": "ducha.bundle", "version": 1, "createdAt": "yesterday", "audits": []}',
      { code: 'notBundle', field: 'createdAt', fieldProblem: 'format' },
    ],
    [
      '{"format": "ducha.bundle", "version": 1, "createdAt": "2026-11-30T00:00:00Z"}',
      { code: 'notBundle', field: 'audits', fieldProblem: 'missing' },
    ],
  ])('%j', async (text, problem) => {
    expect(await fileProblem(strToU8(text))).toEqual(problem);
  });

  it('names the zip entry: a missing manifest, a manifest field, a damaged zip', async () => {
    expect(await fileProblem(zipSync({ 'audits/a.json': strToU8('{}') }))).toEqual({
      code: 'entryMissing',
      entry: 'manifest.json',
    });
    expect(
      await fileProblem(zipSync({ 'manifest.json': strToU8('{"format": "ducha.bundle", "version": 3}') })),
    ).toMatchObject({
      code: 'notBundle',
      entry: 'manifest.json',
      field: 'version',
      fieldProblem: 'value',
    });
    expect(await fileProblem(zipSync({ 'manifest.json': strToU8('{"format": ') }))).toEqual({
      code: 'entryNotJson',
      entry: 'manifest.json',
    });
    const zip = zipSync({ 'manifest.json': manifest([]) });
    expect(await fileProblem(zip.subarray(0, zip.length - 10))).toEqual({ code: 'damagedZip' });
  });
});

describe('a refused entry says what and where as data', () => {
  it('format 2: the manifest entry that is missing, listed twice, unlisted or strange', async () => {
    const zip = zipSync({
      'manifest.json': manifest(['audits/a.json', 'audits/a.json', 'notes.txt']),
      'audits/b.json': strToU8('{}'),
      'readme.txt': strToU8('hello'),
    });
    const result = await readBundle(bytesSource(zip), neverCalled);
    if (!result.ok) throw new Error('expected verdicts');
    expect(result.value.verdicts.map((v) => (v.status === 'refused' ? v.problem : v.status))).toEqual([
      { code: 'entryMissing', entry: 'audits/a.json' },
      { code: 'listedTwice', entry: 'audits/a.json' },
      { code: 'notAuditEntry', entry: 'notes.txt' },
    ]);
    // Entries no listed audit uses are not audits: reported beside the verdicts, not refused among them.
    expect(result.value.unusedEntries.map((u) => u.problem)).toEqual([
      { code: 'notListed', entry: 'audits/b.json' },
      { code: 'stranger', entry: 'readme.txt' },
    ]);
  });

  it('format 2: a field of an audit entry, by its path inside the entry', async () => {
    const zip = zipSync({
      'manifest.json': manifest(['audits/a.json']),
      'audits/a.json': strToU8(JSON.stringify({ payload: {}, rubric: 'abc', hash: 'h', signature: 's' })),
    });
    const result = await readBundle(bytesSource(zip), neverCalled);
    const [verdict] = result.ok ? result.value.verdicts : [];
    expect(verdict?.status === 'refused' && verdict.problem).toEqual({
      code: 'shape',
      entry: 'audits/a.json',
      field: 'rubric',
      fieldProblem: 'format',
    });
  });

  it('format 1: no seal, and a field path inside the entry', async () => {
    const unsigned = await checkBundleEntry({ audit: { id: 'x' } }, 0, neverCalled);
    expect(unsigned.status === 'refused' && unsigned.problem).toEqual({ code: 'noSeal' });
    const noBlobs = await checkBundleEntry({ envelope: {} }, 3, neverCalled);
    expect(noBlobs.status === 'refused' && noBlobs.problem).toMatchObject({
      code: 'shape',
      fieldProblem: 'missing',
    });
  });
});

describe('jsonErrorAt', () => {
  it('turns the position V8 names into a line and column, and knows the end of the text', () => {
    expect(
      jsonErrorAt('{\n  "a": 1}}', 'Unexpected non-whitespace character after JSON at position 11'),
    ).toEqual({
      line: 2,
      column: 10,
      isAtEnd: false,
    });
    expect(jsonErrorAt('{"a": ', 'Expected … in JSON at position 6 (line 1 column 7)')).toEqual({
      line: 1,
      column: 7,
      isAtEnd: true,
    });
    expect(jsonErrorAt('{\n"a": x}', 'Unexpected token … (line 2 column 6)')).toEqual({
      line: 2,
      column: 6,
      isAtEnd: false,
    });
    expect(jsonErrorAt('{"a": x}', 'Unexpected token \'x\', "{"a": x}" is not valid JSON')).toBeUndefined();
  });
});
