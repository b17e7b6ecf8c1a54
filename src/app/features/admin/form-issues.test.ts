import { describe, expect, it } from 'vitest';
import { newUserSchema } from '../../../domain/wire';
import { firstIssueByField } from './form-issues';

describe('form problems by field', () => {
  it('keeps the first problem of each field of a new user, as the server’s schema words it', () => {
    const parsed = newUserSchema.safeParse({
      username: 'has space',
      displayName: ' 王小明',
      role: 'auditor',
      password: 'short',
      siteKeys: ['code:A', ''],
    });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(Object.fromEntries(firstIssueByField(parsed.error.issues))).toEqual({
      username: 'must be 1–64 letters, digits, or . _ @ - (no spaces)',
      displayName: 'must not start or end with whitespace',
      password: 'must be at least 10 characters',
      siteKeys: 'must not be empty',
    });
  });

  it('puts a problem with no path under the empty field name', () => {
    expect([...firstIssueByField([{ path: [], message: 'expected an object' }])]).toEqual([
      ['', 'expected an object'],
    ]);
  });
});
