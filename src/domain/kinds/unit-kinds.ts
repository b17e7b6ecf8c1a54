import type { RubricNode } from '../rubric/rubric-schema';
import { gradeKind } from './grade/grade-kind';
import { metricKind } from './metric/metric-kind';
import type { UnitKind } from './unit-kind';

/** The kind module that owns a graded unit: `kind` names it; a unit without one is graded on the scale. */
export const kindOf = (node: Pick<RubricNode, 'kind'>): UnitKind => (node.kind === 'metric' ? metricKind : gradeKind);
