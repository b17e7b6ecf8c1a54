import { describe, expect, it } from 'vitest';
import { testRubric } from '../test-support';
import { gradedUnits } from '../rubric/rubric-tree';
import type { Rubric } from '../rubric/rubric-schema';
import { auditHeaderSchema, type Answer, type AuditHeader } from './audit-schema';
import { amendAudit, createAuditHeader, finaliseAudit, finaliseBlockers } from './lifecycle';

const rubric: Rubric = testRubric([
  { id: '1', title: '甲', standard: 'a', method: 'm', points: 5 },
  { id: '2', title: '乙', standard: 'b', method: 'm', points: 5 },
]);

const now = '2026-11-24T10:00:00.000+08:00';
const ID1 = '7d9f1c2e-0b1a-4c3d-9e8f-0a1b2c3d4e5f';
const ID2 = '8e0a2d3f-1c2b-4d4e-8f90-1b2c3d4e5f60';

function draft(): AuditHeader {
  return createAuditHeader({
    id: ID1,
    rubric,
    rubricFingerprint: `sha256:${'0'.repeat(64)}`,
    site: { id: 's1', name: '碧桂园·燊城' },
    auditor: ' 张三 ',
    auditedAt: now,
    mode: 'covert',
    now,
  });
}

const answer = (unitId: string, grade: Answer['grade']): Answer => ({
  unitId,
  grade,
  note: '',
  photoIds: [],
  updatedAt: now,
});
const strokes: [number, number][][] = [
  [
    [0.1, 0.1],
    [0.5, 0.5],
  ],
];
const signed = { name: '张三', strokes, imageId: 'img', signedAt: now };

describe('audit lifecycle', () => {
  it('creates a valid draft revision 1', () => {
    const header = draft();
    expect(auditHeaderSchema.parse(header)).toEqual(header);
    expect(header).toMatchObject({ revision: 1, lineageId: ID1, status: 'draft', auditor: '张三' });
  });

  it('lists ungraded units and unsigned roles as blockers', () => {
    expect(finaliseBlockers(rubric, draft(), [answer('2', 'na')])).toEqual({
      ungraded: ['1'],
      unsigned: ['auditor', 'siteManager'],
    });
    expect(gradedUnits(rubric)).toHaveLength(2);
  });

  it('refuses to finalise with blockers, naming each', () => {
    const result = finaliseAudit(rubric, draft(), [answer('1', 'compliant')], now);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((i) => i.path)).toEqual([
        'answers["2"]',
        'signatures.auditor',
        'signatures.siteManager',
      ]);
  });

  it('an unconfirmed signature (strokes but no image) still blocks', () => {
    const header = {
      ...draft(),
      signatures: { auditor: signed, siteManager: { name: '李四', strokes: signed.strokes } },
    };
    expect(finaliseBlockers(rubric, header, []).unsigned).toEqual(['siteManager']);
  });

  it('finalises, then amends into revision 2 pointing at revision 1', () => {
    const header = { ...draft(), signatures: { auditor: signed, siteManager: { ...signed, name: '李四' } } };
    const final = finaliseAudit(rubric, header, [answer('1', 'compliant'), answer('2', 'mostly')], now);
    expect(final.ok).toBe(true);
    if (!final.ok) return;
    expect(final.value).toMatchObject({ status: 'finalised', finalisedAt: now });
    expect(finaliseAudit(rubric, final.value, [], now).ok).toBe(false);

    expect(amendAudit(final.value, { id: ID2, now, reason: '  ' }).ok).toBe(false);
    const amended = amendAudit(final.value, { id: ID2, now, reason: '2 项评分有误' });
    expect(amended.ok).toBe(true);
    if (!amended.ok) return;
    expect(amended.value).toMatchObject({
      id: ID2,
      lineageId: ID1,
      previousId: ID1,
      revision: 2,
      status: 'draft',
      signatures: {},
    });
    expect(amended.value.finalisedAt).toBeUndefined();
    expect(auditHeaderSchema.parse(amended.value)).toEqual(amended.value);
    expect(amendAudit(amended.value, { id: ID1, now, reason: 'x' }).ok).toBe(false);
  });
});
