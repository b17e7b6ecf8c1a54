import { describe, expect, it } from 'vitest';
import { compareWithQr, reasonsOf } from './verdict-reason';

const record = {
  auditId: 'a1',
  site: '万科·城市花园',
  siteCode: null,
  auditedAt: '2026-03-01T01:00:00.000Z',
  auditor: '李明',
  revision: 1,
  amendReason: null,
  previousHash: null,
  earnedH: 960,
  possibleH: 1200,
  percentTenths: 800,
  rubricId: 'KF02',
  rubricTitle: '客服',
  rubricFingerprint: 'sha256:00',
  sealHash: 'abc',
  sealedAt: '2026-03-01T02:00:00.000Z',
  timeZone: 'Asia/Shanghai',
};

describe('why a sheet is not the sealed one, for the verification page', () => {
  it('names the page comparison’s kind of change: bytes appended, pages redrawn, a damaged record', () => {
    // The messages compareWithRemade and checkSheet write (src/verify/check-sheet.ts).
    const tampered = (message: string) => reasonsOf({ sheet: 'tampered', message, findings: [] });
    expect(tampered('appended: the PDF was changed after it was made (12 bytes appended after the sheet)')).toEqual(['appended']);
    expect(tampered('pages: the pages do not show what the seal says (page 1 of 2 differs)')).toEqual(['pages']);
    expect(tampered('the renderer record embedded beside the seal is damaged')).toEqual(['record']);
    expect(tampered('seal: the embedded seal cannot be read')).toEqual(['seal']);
    expect(tampered('something new')).toEqual(['other']);
  });

  it('names each kind of sealed data that differs, once, and nothing for a sheet that is not tampered', () => {
    expect(
      reasonsOf({
        sheet: 'tampered',
        message: 'score, photo',
        findings: [
          { what: 'score', message: 'the sealed score does not follow from the sealed grades' },
          { what: 'photo', message: 'photo of unit 1.1 is not the sealed image' },
          { what: 'photo', message: 'photo of unit 1.2 is not the sealed image' },
        ],
      }),
    ).toEqual(['score', 'photo']);
    expect(reasonsOf({ sheet: 'intact', message: '', findings: [] })).toEqual([]);
    expect(reasonsOf({ sheet: 'cannot-check', message: 'font missing', findings: [] })).toEqual([]);
  });

  it('holds the QR code’s audit and seal against the file’s', () => {
    expect(compareWithQr({ auditId: undefined, sealHash: undefined }, record)).toBe('none');
    expect(compareWithQr({ auditId: 'a1', sealHash: 'abc' }, record)).toBe('same');
    expect(compareWithQr({ auditId: 'a1', sealHash: 'abd' }, record)).toBe('different');
    expect(compareWithQr({ auditId: 'a2', sealHash: undefined }, record)).toBe('different');
    expect(compareWithQr({ auditId: 'a1', sealHash: 'abc' }, null)).toBe('different');
  });
});
