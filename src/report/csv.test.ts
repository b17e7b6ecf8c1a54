import { describe, expect, it } from 'vitest';
import type { AuditFact } from '../domain/index';
import { auditsCsv, csvField, isTimeZone, localDateTime, unitsCsv } from './csv';

const base = {
  lineageId: 'l',
  revision: 1,
  hash: 'h',
  signer: 'k',
  sealedAt: '2026-11-24T00:00:00.000Z',
  rubricId: 'KF01',
  rubricFingerprint: 'fp',
  items: [],
};

const facts: AuditFact[] = [
  {
    ...base,
    auditId: 'a-1',
    siteKey: 'name:万科,喆园',
    siteName: '万科,喆园',
    region: '华南',
    auditor: '王小明',
    auditedAt: '2026-11-03T02:00:00.000Z',
    earnedH: 6300,
    possibleH: 9500,
    percentTenths: 663,
    units: [
      {
        id: '4',
        itemId: '4',
        grade: 'non_compliant',
        note: '未说"您好"\n语气生硬',
        earnedH: 0,
        possibleH: 1500,
      },
      { id: '9', itemId: '9', grade: 'na', note: '', earnedH: 0, possibleH: 0 },
      { id: '10', itemId: '10', note: '', earnedH: 0, possibleH: 0 },
    ],
  },
  {
    ...base,
    auditId: 'a-2',
    siteKey: 'name:碧桂园',
    siteName: '碧桂园',
    auditor: '=HYPERLINK("x")',
    auditedAt: '2026-11-10T02:00:00.000Z',
    earnedH: 0,
    possibleH: 0,
    percentTenths: null,
    units: [{ id: '1', itemId: '1', grade: 'mostly', note: '-2 分', earnedH: 800, possibleH: 1000 }],
  },
];

const gradeLabel = (grade: string) =>
  ({ non_compliant: '不符合', na: '不适用', mostly: '基本符合' })[grade] ?? grade;

describe('CSV for spreadsheets', () => {
  it('quotes commas, quotes and newlines, and keeps formula-like text as text', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField(9.6)).toBe('9.6');
    expect(csvField('普通')).toBe('普通');
  });

  it('writes one row per audit, with a BOM and CRLF line ends', () => {
    const csv = auditsCsv(
      facts,
      {
        site: '单位',
        region: '区域',
        rubric: '考核表',
        date: '考核时间',
        auditor: '考核人',
        earned: '得分',
        possible: '可得分',
        percent: '得分率(%)',
      },
      'Asia/Shanghai',
    );
    // 02:00Z is 10:00 in Beijing.
    expect(csv).toBe(
      '\uFEFF' +
        '单位,区域,考核表,考核时间,考核人,得分,可得分,得分率(%)\r\n' +
        '"万科,喆园",华南,KF01,2026-11-03 10:00,王小明,63,95,66.3\r\n' +
        '碧桂园,,KF01,2026-11-10 10:00,"\'=HYPERLINK(""x"")",0,0,\r\n',
    );
  });

  it('writes times as local date-times Excel reads, in the zone asked for', () => {
    expect(localDateTime('2026-11-30T17:30:00.000Z', 'Asia/Shanghai')).toBe('2026-12-01 01:30');
    expect(localDateTime('2026-11-30T17:30:00.000Z', 'UTC')).toBe('2026-11-30 17:30');
    expect(localDateTime('2026-12-01T01:30:00+08:00', 'UTC')).toBe('2026-11-30 17:30');
    expect(localDateTime('2026-11-24T00:05:00.000Z', 'Asia/Shanghai')).toBe('2026-11-24 08:05');
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('writes one row per audit × graded unit, leaving ungraded units out', () => {
    const csv = unitsCsv(
      facts,
      {
        auditId: '考核编号',
        site: '单位',
        rubric: '考核表',
        date: '考核时间',
        unit: '评分单元',
        grade: '评定',
        earned: '得分',
        possible: '可得分',
        note: '备注',
      },
      gradeLabel,
      'Asia/Shanghai',
    );
    expect(csv).toBe(
      '\uFEFF' +
        '考核编号,单位,考核表,考核时间,评分单元,评定,得分,可得分,备注\r\n' +
        'a-1,"万科,喆园",KF01,2026-11-03 10:00,4,不符合,0,15,"未说""您好""\n语气生硬"\r\n' +
        'a-1,"万科,喆园",KF01,2026-11-03 10:00,9,不适用,0,0,\r\n' +
        "a-2,碧桂园,KF01,2026-11-10 10:00,1,基本符合,8,10,'-2 分\r\n",
    );
  });
});
