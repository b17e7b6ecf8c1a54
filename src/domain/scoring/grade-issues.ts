import type { Rubric, RubricNode } from '../rubric/rubric-schema';
import { walkNodes } from '../rubric/rubric-tree';
import { formatPath, type Issue } from '../result';
import { kindOf } from '../kinds/unit-kinds';
import type { AnswerField, ReceivedAnswer } from '../kinds/unit-kind';

export type GradedAnswer = ReceivedAnswer;

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
  const nodesById = new Map<string, RubricNode>();
  for (const { node } of walkNodes(rubric)) nodesById.set(node.id, node);
  const firstAnswer = new Map<string, number>();
  const issues: Issue[] = [];
  const at = (index: number, key: 'unitId' | AnswerField): string =>
    pathPrefix === '' ? formatPath([index, key]) : `${pathPrefix}${formatPath([index, key])}`;

  answers.forEach((answer, index) => {
    const { unitId } = answer;
    const node = nodesById.get(unitId);
    if (node === undefined) {
      issues.push({
        path: at(index, 'unitId'),
        message: `unknown unit id "${unitId}": rubric ${rubric.id} has no such item`,
      });
      return;
    }
    const subIds = node.children?.map((c) => c.id);
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
    issues.push(...kindOf(node).answerIssues(rubric, node, answer, (field) => at(index, field)));
  });
  return issues;
}
