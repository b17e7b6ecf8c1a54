import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersOf, parseRubric, rubricFingerprint, scoreAudit, type Audit } from '../domain/index';
import { buildSheetModel } from './sheet-model';

const parsed = parseRubric(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rubrics', 'KPI-CC.json'), 'utf8')));
if (!parsed.ok) throw new Error('KPI-CC');
const rubric = parsed.value;
const now = '2026-12-01T10:00:00.000Z';
const id = '6c2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';

describe('the sheet of a KPI audit', () => {
  it('shows each metric unit earned with the figure and unit it was scored from', () => {
    const audit: Audit = {
      version: 1,
      id,
      lineageId: id,
      revision: 1,
      status: 'draft',
      rubricId: rubric.id,
      rubricFingerprint: rubricFingerprint(rubric),
      site: { id: 's', name: '呼叫中心' },
      auditor: '王堃',
      auditedAt: now,
      mode: 'onsite',
      signatures: {},
      createdAt: now,
      updatedAt: now,
      answers: [
        { unitId: '1', figure: 96.5, note: '', photoIds: [], updatedAt: now },
        { unitId: '2', figure: 1750, note: '', photoIds: [], updatedAt: now },
      ],
    };
    const model = buildSheetModel(rubric, audit, scoreAudit(rubric, answersOf(audit.answers)));
    expect(model.rows.map((r) => r.cells[5])).toEqual(['39.39\n96.5%', '6\n1750个', '未评', '未评']);
  });
});
