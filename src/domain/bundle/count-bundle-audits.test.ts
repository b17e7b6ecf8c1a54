import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { countBundleAudits } from './count-bundle-audits';
import { DEFAULT_BUNDLE_LIMITS } from './read-bundle';
import { bytesSource } from './zip-reader';

const count = (bytes: Uint8Array) => countBundleAudits(bytesSource(bytes), DEFAULT_BUNDLE_LIMITS);

describe('countBundleAudits: how many audits a bundle offers, before any is checked', () => {
  it('format 2: the manifest’s list, not the audit entries in the zip (an unlisted one is never taken in)', async () => {
    const manifest = { audits: [{ path: 'audits/a.json' }, { path: 'audits/b.json' }, { path: 'audits/c.json' }] };
    const zip = zipSync({
      'manifest.json': strToU8(JSON.stringify(manifest)),
      'audits/a.json': strToU8('{}'),
      'audits/unlisted.json': strToU8('{}'),
    });
    expect(await count(zip)).toBe(3);
  });

  it('format 1: the length of `audits`, after a byte-order mark', async () => {
    expect(await count(strToU8(`\uFEFF${JSON.stringify({ format: 'ducha.bundle', audits: [{}, {}] })}`))).toBe(2);
  });

  it('is undefined for what is not a readable bundle, so the reader can say why', async () => {
    expect(await count(strToU8('PK\u0003\u0004 not really a zip'))).toBeUndefined();
    expect(await count(strToU8('{"audits": 3}'))).toBeUndefined();
    expect(await count(strToU8('{"audits": ['))).toBeUndefined();
    expect(await count(zipSync({ 'audits/a.json': strToU8('{}') }))).toBeUndefined();
    expect(await count(strToU8('hello'))).toBeUndefined();
  });
});
