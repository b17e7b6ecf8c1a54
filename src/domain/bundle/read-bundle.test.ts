import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_LIMITS, detectBundleFormat, readBundle } from './read-bundle';
import { bytesSource, isSafeEntryName } from './zip-reader';

const neverCalled = () => Promise.reject(new Error('no seal should be checked'));

describe('bundle format detection', () => {
  it('goes by the first bytes, never the name', () => {
    expect(detectBundleFormat(strToU8('PK\u0003\u0004rest'))).toBe('zip');
    expect(detectBundleFormat(strToU8('{"format":"ducha.bundle"}'))).toBe('json');
    expect(detectBundleFormat(strToU8('\uFEFF \n {"a":1}'))).toBe('json');
    expect(detectBundleFormat(strToU8('[1,2,3]'))).toBeUndefined();
    expect(detectBundleFormat(strToU8('%PDF-1.7'))).toBeUndefined();
    expect(detectBundleFormat(new Uint8Array(0))).toBeUndefined();
  });
});

describe('zip entry names', () => {
  it('accepts the bundle layout and refuses anything that could leave a folder', () => {
    for (const name of ['manifest.json', 'audits/3c9d.json', `images/${'a'.repeat(64)}`, 'rubrics/'])
      expect(isSafeEntryName(name)).toBe(true);
    for (const name of ['', '/etc/passwd', '../x', 'audits/../../x', 'a//b', './a', 'C:/x', 'a\\b', 'a\u0000b', 'x'.repeat(301)])
      expect(isSafeEntryName(name)).toBe(false);
  });
});

describe('readBundle, whole-file refusals', () => {
  it('refuses a file over the size limit before reading it', async () => {
    const result = await readBundle(bytesSource(new Uint8Array(2048)), neverCalled, { ...DEFAULT_BUNDLE_LIMITS, maxFileBytes: 1024 });
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: '(file)',
          message: 'the file is 2048 bytes, over the limit of 1024 bytes',
          problem: { code: 'tooLarge', size: '2048 bytes', limit: '1024 bytes' },
        },
      ],
    });
  });

  it('refuses a zip without a manifest, and a manifest of another format', async () => {
    const noManifest = await readBundle(bytesSource(zipSync({ 'audits/a.json': strToU8('{}') })), neverCalled);
    expect(noManifest.ok ? '' : noManifest.issues[0]?.message).toBe('not a Ducha bundle: manifest.json is missing from the bundle');
    const wrong = await readBundle(
      bytesSource(zipSync({ 'manifest.json': strToU8(JSON.stringify({ format: 'ducha.bundle', version: 3 })) })),
      neverCalled,
    );
    expect(wrong.ok ? '' : wrong.issues[0]?.message).toMatch(/^not a Ducha bundle: manifest\.json: version: /);
  });

  it('refuses declared sizes beyond the total limit or the ratio (a zip bomb)', async () => {
    const zeros = zipSync({ 'manifest.json': new Uint8Array(4 * 1024 * 1024) }, { level: 9 });
    const ratio = await readBundle(bytesSource(zeros), neverCalled);
    expect(ratio.ok ? '' : ratio.issues[0]?.message).toMatch(/^it would unpack to 4\.0 MiB from \d+ bytes, more than 100× \(a zip bomb\)$/);
    const total = await readBundle(bytesSource(zeros), neverCalled, { ...DEFAULT_BUNDLE_LIMITS, maxTotalBytes: 1024 * 1024, maxRatio: 1e9 });
    expect(total.ok ? '' : total.issues[0]?.message).toBe('it would unpack to 4.0 MiB, over the limit of 1.0 MiB (a zip bomb?)');
  });
});
