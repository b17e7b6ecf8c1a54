import type { UnitKindReport } from './unit-kind-report';

/** A metric unit shows the figure it was scored from with its unit (96.5%, 1850个) where a graded unit shows its grade. */
export const metricReport: UnitKindReport = {
  sheetScoredFrom: (_rubric, node, _score, answer) => `${String(answer?.figure)}${node.unit ?? ''}`,
  csvAssessment: (unit) =>
    unit.figure === undefined ? undefined : `${String(unit.figure)}${unit.unit ?? ''}`,
};
