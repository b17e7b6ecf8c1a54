import type { UnitKindReport } from './unit-kind-report';

/** A unit graded on the scale shows its level as the rubric names it (符合, 基本符合…). */
export const gradeReport: UnitKindReport = {
  sheetScoredFrom: (rubric, _node, score) =>
    score.grade === undefined
      ? '未评'
      : score.grade === 'na'
        ? '不适用'
        : (rubric.scale.find((l) => l.key === score.grade)?.label ?? score.grade),
  csvAssessment: (unit, gradeLabel) => (unit.grade === undefined ? undefined : gradeLabel(unit.grade)),
};
