import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  auditFactFromEnvelope,
  parseRubric,
  rubricFingerprint,
  sealAudit,
  type Audit,
} from '../domain/index';
import { nodeSigner } from '../../tests/support/sealed-audit';
import { unitsCsv } from './csv';

const parsed = parseRubric(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'rubrics', 'KPI-CC.json'), 'utf8')),
);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const rubric = parsed.value;
const now = '2026-11-30T02:00:00.000Z';
const id = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const sig = new Uint8Array([0xff, 0xd8, 0xff, 9, 0xff, 0xd9]);

const audit: Audit = {
  version: 1,
  id,
  lineageId: id,
  revision: 1,
  status: 'finalised',
  rubricId: rubric.id,
  rubricFingerprint: rubricFingerprint(rubric),
  site: { id: 's', name: '芙蓉呼叫中心' },
  auditor: '王堃',
  auditedAt: now,
  mode: 'onsite',
  signatures: {
    auditor: { name: '王堃', strokes: [[[0.1, 0.1]]], imageId: 'sig-a', signedAt: now },
    siteManager: { name: '李喆', strokes: [[[0.1, 0.1]]], imageId: 'sig-m', signedAt: now },
  },
  createdAt: now,
  updatedAt: now,
  finalisedAt: now,
  answers: [
    { unitId: '1', figure: 96.5, note: '', photoIds: [], updatedAt: now },
    { unitId: '2', figure: 2000, note: '', photoIds: [], updatedAt: now },
    { unitId: '3', figure: 81, note: '', photoIds: [], updatedAt: now },
    { unitId: '4', figure: 1, note: '投诉 1 例', photoIds: [], updatedAt: now },
  ],
};
const blobs = new Map([
  ['sig-a', { bytes: sig, type: 'image/jpeg' }],
  ['sig-m', { bytes: sig, type: 'image/jpeg' }],
]);

const labels = {
  auditId: '考核编号',
  site: '单位',
  rubric: '考核表',
  date: '考核时间',
  unit: '评分单元',
  grade: '评定',
  earned: '得分',
  possible: '可得分',
  note: '备注',
};

describe('the units CSV of a KPI audit', () => {
  it('gives every metric unit a row with its figure and unit, and the points earned of possible', async () => {
    const sealed = await sealAudit({ audit, rubric, blobs, sealedAt: now }, await nodeSigner());
    if (!sealed.ok) throw new Error(JSON.stringify(sealed.issues));
    const csv = unitsCsv([auditFactFromEnvelope(sealed.value)], labels, (g) => g, 'Asia/Shanghai');
    // 满意率 40 × 96.5 / 98 = 39.387… → 39.39; 受理量 200 short of 2200 at 1 per 100 → 10 − 2 = 8;
    // 回访率 40 × 81 / 90 = 36; 服务态度 1 例 at 5 each → 10 − 5 = 5.
    expect(csv).toBe(
      '\uFEFF' +
        '考核编号,单位,考核表,考核时间,评分单元,评定,得分,可得分,备注\r\n' +
        `${id},芙蓉呼叫中心,KPI-CC,2026-11-30 10:00,1,96.5%,39.39,40,\r\n` +
        `${id},芙蓉呼叫中心,KPI-CC,2026-11-30 10:00,2,2000个,8,10,\r\n` +
        `${id},芙蓉呼叫中心,KPI-CC,2026-11-30 10:00,3,81%,36,40,\r\n` +
        `${id},芙蓉呼叫中心,KPI-CC,2026-11-30 10:00,4,1例,5,10,投诉 1 例\r\n`,
    );
  });
});
