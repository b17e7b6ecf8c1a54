import { describe, expect, it } from 'vitest';
import { parseWriteKey, unsavedWritesOf } from './unsaved-writes';

const audit = '6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1a2b';
const other = '0f6c2b1a-1111-4aaa-8bbb-000000000001';

describe('unsaved writes of one audit (what 定稿 waits for)', () => {
  it('reads the write keys the app uses, and ignores writes that are not audit content', () => {
    expect(parseWriteKey(`note:${audit}:3`)).toEqual({ what: 'note', auditId: audit, target: '3' });
    expect(parseWriteKey(`photo-add:${audit}:7:abc`)).toEqual({ what: 'photo-add', auditId: audit, target: '7' });
    expect(parseWriteKey(`signature:${audit}:siteManager`)?.target).toBe('siteManager');
    expect(parseWriteKey(`finalise:${audit}`)).toBeUndefined();
    expect(parseWriteKey(`export:${audit}`)).toBeUndefined();
    expect(parseWriteKey('create-audit')).toBeUndefined();
  });

  it('lists failed writes first, then running ones, only for this audit, each once', () => {
    const pending = new Map([
      [`grade:${audit}:2`, 1],
      [`note:${audit}:3`, 2],
      [`grade:${other}:1`, 1],
      [`finalise:${audit}`, 1],
    ]);
    const failed = [`note:${audit}:3`, `grade:${other}:4`, `signature:${audit}:auditor`];
    expect(unsavedWritesOf(audit, pending, failed)).toEqual([
      { key: `note:${audit}:3`, what: 'note', target: '3', state: 'failed' },
      { key: `signature:${audit}:auditor`, what: 'signature', target: 'auditor', state: 'failed' },
      { key: `grade:${audit}:2`, what: 'grade', target: '2', state: 'pending' },
    ]);
    expect(unsavedWritesOf(audit, new Map(), [])).toEqual([]);
  });
});
