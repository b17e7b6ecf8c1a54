import type { Rubric, RubricNode } from '../../src/domain/index';
import { zhCN } from '../../src/i18n/zh-CN';

/**
 * A rubric as a SurveyJS survey with what Ducha's scoring form shows: one page, a panel per item with
 * sub-items (title, points, method), and per graded unit its standard, the scale's grades (plus 不适用 where
 * the rubric allows it) and a note. Only for the benchmark's SurveyJS app.
 */
export function rubricAsSurvey(rubric: Rubric): object {
  const choices = [
    ...rubric.scale.map((level) => ({ value: level.key, text: level.label })),
    ...(rubric.allowNA ? [{ value: 'na', text: zhCN.grade.na }] : []),
  ];
  const element = (node: RubricNode): object =>
    node.children === undefined
      ? {
          type: 'radiogroup',
          name: node.id,
          title: `第 ${node.id} 项${node.title ? ` ${node.title}` : ''} (${node.points} 分)`,
          description: node.standard,
          choices,
          colCount: 0,
          showCommentArea: true,
          commentText: zhCN.scoring.note,
        }
      : {
          type: 'panel',
          name: `item-${node.id}`,
          title: `${node.label ?? node.id} ${node.title ?? ''} (${node.points} 分)`,
          description: node.method,
          elements: node.children.map(element),
        };
  return {
    title: `${rubric.form} ${rubric.title}`,
    locale: 'zh-cn',
    showQuestionNumbers: 'off',
    pages: [{ name: 'form', elements: rubric.items.map(element) }],
  };
}
