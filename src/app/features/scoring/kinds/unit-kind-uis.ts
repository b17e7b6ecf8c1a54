import type { RubricNode } from '../../../../domain/index';
import { gradeUi } from './grade/grade-ui';
import { metricUi } from './metric/metric-ui';
import type { UnitKindUi } from './unit-kind-ui';

/** One line per kind: a kind the rubric schema gains and this table lacks does not typecheck. */
const uis: Readonly<Record<NonNullable<RubricNode['kind']> | 'grade', UnitKindUi>> = {
  grade: gradeUi,
  metric: metricUi,
};

/** The form side of the kind that owns a unit; a unit without `kind` is graded on the scale. */
export const uiOf = (node: Pick<RubricNode, 'kind'>): UnitKindUi => uis[node.kind ?? 'grade'];
