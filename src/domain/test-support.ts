// Test-only helpers shared by the domain's unit tests (not exported from index.ts).
import { parseRubric } from './rubric/parse-rubric';
import type { Rubric } from './rubric/rubric-schema';

export const testScale = [
  { key: 'compliant', label: '符合', factor: 1 },
  { key: 'mostly', label: '基本符合', factor: 0.8 },
  { key: 'partly', label: '一般符合', factor: 0.6 },
  { key: 'non_compliant', label: '不符合', factor: 0 },
];

/** A small rubric KF99 with the given items, parsed (so a broken fixture fails loudly). */
export function testRubric(items: unknown[], allowNA = true): Rubric {
  const result = parseRubric({
    version: 1,
    id: 'KF99',
    title: '测试',
    form: '督办记录表KF99',
    scale: testScale,
    allowNA,
    items,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}
