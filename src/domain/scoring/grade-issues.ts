import type { Grade, Rubric } from '../rubric/rubric-schema';
import { walkNodes } from '../rubric/rubric-tree';
import { formatPath, type Issue } from '../result';

export interface GradedAnswer {
  readonly unitId: string;
  readonly grade?: Grade | undefined;
}

/**
 * Everything that would make scoreAudit throw for these answers, as issues at `<pathPrefix>[i].unitId` or
 * `<pathPrefix>[i].grade`: an id the rubric lacks, an item that has sub-items, a unit answered twice,
 * 不适用 where the rubric refuses it, a grade the rubric's scale lacks. Answers from a file or an envelope
 * pass through here first, so one bad answer is a reason to refuse that audit, never a crash.
 */
export function gradeIssues(
  rubric: Pick<Rubric, 'id' | 'items' | 'scale' | 'allowNA'>,
  answers: readonly GradedAnswer[],
  pathPrefix: string,
): Issue[] {
  const childIds = new Map<string, readonly string[] | undefined>();
  for (const { node } of walkNodes(rubric))
    childIds.set(
      node.id,
      node.children?.map((c) => c.id),
    );
  const levels = new Set<string>(rubric.scale.map((level) => level.key));
  const firstAnswer = new Map<string, number>();
  const issues: Issue[] = [];
  const at = (index: number, key: 'unitId' | 'grade'): string =>
    pathPrefix === '' ? formatPath([index, key]) : `${pathPrefix}${formatPath([index, key])}`;

  answers.forEach(({ unitId, grade }, index) => {
    if (!childIds.has(unitId)) {
      issues.push({
        path: at(index, 'unitId'),
        message: `unknown unit id "${unitId}": rubric ${rubric.id} has no such item`,
      });
      return;
    }
    const subIds = childIds.get(unitId);
    if (subIds !== undefined) {
      issues.push({
        path: at(index, 'unitId'),
        message: `"${unitId}" is not a graded unit: grade its sub-items ${subIds.join(', ')} instead`,
      });
      return;
    }
    const first = firstAnswer.get(unitId);
    if (first !== undefined) {
      issues.push({
        path: at(index, 'unitId'),
        message: `unit "${unitId}" is answered twice (first at ${at(first, 'unitId')})`,
      });
      return;
    }
    firstAnswer.set(unitId, index);
    if (grade === undefined) return;
    if (grade === 'na') {
      if (!rubric.allowNA)
        issues.push({ path: at(index, 'grade'), message: `rubric ${rubric.id} does not allow 不适用 (na)` });
    } else if (!levels.has(grade)) {
      issues.push({ path: at(index, 'grade'), message: `rubric ${rubric.id} has no scale level "${grade}"` });
    }
  });
  return issues;
}
