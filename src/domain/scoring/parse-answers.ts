import { z } from 'zod';
import { gradeSchema, type Grade, type Rubric } from '../rubric/rubric-schema';
import { findNode } from '../rubric/rubric-tree';
import { fail, formatPath, ok, type Issue, type Result } from '../result';
import type { Grades } from './score-audit';

/** The answers file `ducha score` reads: grades by graded-unit id. */
export const answersFileSchema = z.strictObject({
  rubric: z.string().min(1, 'rubric must name the rubric id, e.g. "KF01"'),
  grades: z.record(z.string(), z.unknown()),
});
export type AnswersFile = z.infer<typeof answersFileSchema>;

/**
 * Checks grades against the rubric they claim to answer: every id must be a graded unit (not an item
 * with sub-items), every grade one of the scale's keys, and 不适用 only where the rubric allows it.
 */
export function parseAnswers(rubric: Rubric, input: unknown): Result<{ rubric: string; grades: Grades }> {
  const parsed = answersFileSchema.safeParse(input);
  if (!parsed.success) {
    return fail(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  const issues: Issue[] = [];
  if (parsed.data.rubric !== rubric.id) {
    issues.push({
      path: 'rubric',
      message: `answers are for rubric "${parsed.data.rubric}" but the rubric given is "${rubric.id}"`,
    });
  }
  const grades: Record<string, Grade> = {};
  const allowed = [...rubric.scale.map((l) => l.key), ...(rubric.allowNA ? ['na'] : [])];
  for (const [id, value] of Object.entries(parsed.data.grades)) {
    const path = formatPath(['grades', id]);
    const node = findNode(rubric, id);
    if (node === undefined) {
      issues.push({ path, message: `unknown unit id "${id}": rubric ${rubric.id} has no such item` });
      continue;
    }
    if (node.children !== undefined) {
      const subIds = node.children.map((c) => c.id).join(', ');
      issues.push({ path, message: `"${id}" is not a graded unit: grade its sub-items ${subIds} instead` });
      continue;
    }
    const grade = gradeSchema.safeParse(value);
    if (!grade.success || !allowed.includes(grade.data)) {
      issues.push({
        path,
        message: `unknown grade ${JSON.stringify(value)} for "${id}": expected one of ${allowed.join(', ')}`,
      });
      continue;
    }
    grades[id] = grade.data;
  }
  return issues.length > 0 ? fail(issues) : ok({ rubric: parsed.data.rubric, grades });
}
