import { describe, expect, it } from 'vitest';
import { limits, newAuditFormSchema } from './new-audit-form';

const form = {
  rubricId: 'KF01',
  siteChoice: 'new',
  siteName: '金地·燊海湾',
  siteCode: '',
  siteRegion: '',
  auditor: '周堃',
  auditedAt: '2026-11-24T09:30',
  mode: 'covert',
};
const messages = (value: unknown) => {
  const parsed = newAuditFormSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join('.'), i.message]);
};

describe('new audit form limits (checked before anything is written, with a message the form translates)', () => {
  it('refuses a 242-character site name, a long code, region and auditor, each by its own key', () => {
    expect(messages(form)).toEqual([]);
    expect(messages({ ...form, siteName: '甲'.repeat(242) })).toEqual([['siteName', 'newAudit.errors.siteNameTooLong']]);
    expect(messages({ ...form, siteName: '甲'.repeat(limits.siteName) })).toEqual([]);
    expect(messages({ ...form, siteCode: 'x'.repeat(51), siteRegion: '华'.repeat(101), auditor: '王'.repeat(201) })).toEqual([
      ['siteCode', 'newAudit.errors.siteCodeTooLong'],
      ['siteRegion', 'newAudit.errors.siteRegionTooLong'],
      ['auditor', 'newAudit.errors.auditorTooLong'],
    ]);
  });
});
