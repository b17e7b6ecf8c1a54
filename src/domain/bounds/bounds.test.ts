import { describe, expect, it } from 'vitest';
import { auditSchema } from '../audit/audit-schema';
import { formatPath } from '../result';
import { isPlainText } from './plain-text';
import { isSaneInstant, saneInstant } from './sane-instant';
import { headOfficeFilterSchema } from '../wire/head-office-filter';
import { userIdParamsSchema } from '../wire/auth';

describe('plain text: what any stored text may contain', () => {
  it.each([
    ['Chinese with full-width punctuation', '前台无人接待，电话未接。'],
    ['tab, newline and carriage return', '第一行\r\n第二行\t备注'],
    ['a character outside the BMP (a surrogate pair)', '𠀀燊'],
    ['empty', ''],
  ])('takes %s', (_what, text) => {
    expect(isPlainText(text)).toBe(true);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['another C0 control', '\u0001'],
    ['escape', '\u001b[2J'],
    ['DEL', '\u007f'],
    ['a C1 control', '\u0085'],
    ['a lone high surrogate', 'x\ud800'],
    ['a lone low surrogate', '\udc00y'],
  ])('refuses %s', (_what, text) => {
    expect(isPlainText(text)).toBe(false);
  });

  it('refuses a NUL in an audit note, naming the note, so the tablet cannot save or seal it', () => {
    const at = '2026-11-01T09:00:00+08:00';
    const id = '6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1a2b';
    const audit = {
      version: 1,
      id,
      lineageId: id,
      revision: 1,
      status: 'draft',
      rubricId: 'KF01',
      rubricFingerprint: `sha256:${'0'.repeat(64)}`,
      site: { id: 'site-1', name: '碧桂园凤凰城管理处' },
      auditor: '王小明',
      auditedAt: at,
      mode: 'covert',
      signatures: {},
      createdAt: at,
      updatedAt: at,
      answers: [{ unitId: '1', grade: 'compliant', note: '前台\u0000无人', photoIds: [], updatedAt: at }],
    };
    const parsed = auditSchema.safeParse(audit);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => formatPath(i.path))).toEqual(['answers[0].note']);
    expect(parsed.error?.issues[0]?.message).toContain('控制字符');
    // The same audit with a newline in its note is fine.
    expect(auditSchema.safeParse({ ...audit, answers: [{ ...audit.answers[0], note: '前台\n无人' }] }).success).toBe(true);
  });
});

describe('sane instants: every date the system takes is within 2000–2100', () => {
  it.each([
    ['2000-01-01T00:00:00Z', true],
    ['2100-12-31T23:59:59Z', true],
    ['2026-11-01T00:00:00-23:59', true],
    ['1999-12-31T23:59:59Z', false],
    // +23:59 pulls 2000-01-01 local back into 1999 UTC.
    ['2000-01-01T00:00:00+23:59', false],
    ['0001-01-01T00:00:00Z', false],
    ['9999-12-31T23:59:59-23:59', false],
  ])('%s → %s', (text, sane) => {
    expect(isSaneInstant(text)).toBe(sane);
    expect(saneInstant().safeParse(text).success).toBe(sane);
  });

  it('says the range in the error of a dashboard filter', () => {
    const parsed = headOfficeFilterSchema.safeParse({ rubricId: 'KF01', from: '0001-01-01T00:00:00Z' });
    expect(parsed.error?.issues.map((i) => [formatPath(i.path), i.message])).toEqual([
      ['from', '须在 2000-01-01 至 2100-12-31（UTC）之间 (must be between 2000-01-01T00:00:00Z and 2100-12-31T23:59:59Z)'],
    ]);
  });
});

describe('user ids stay within PostgreSQL integers', () => {
  it.each([
    ['2147483647', true],
    ['2147483648', false],
    ['-1', false],
    ['abc', false],
  ])('%s → %s', (id, valid) => {
    expect(userIdParamsSchema.safeParse({ id }).success).toBe(valid);
  });
});
