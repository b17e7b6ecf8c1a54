import type { Grade, RubricNode, UnitFact } from '../../domain/index';
import { gradeReport } from './grade';
import { metricReport } from './metric';
import type { UnitKindReport } from './unit-kind-report';

/** One line per kind: a kind the rubric schema gains and this table lacks does not typecheck. */
const reports: Readonly<Record<NonNullable<RubricNode['kind']> | 'grade', UnitKindReport>> = {
  grade: gradeReport,
  metric: metricReport,
};

/** The report side of the kind that owns a unit; a unit without `kind` is graded on the scale. */
export const reportOf = (node: Pick<RubricNode, 'kind'>): UnitKindReport => reports[node.kind ?? 'grade'];

/**
 * A units CSV 评定 cell. Facts do not name a unit's kind, so each kind recognises its own answer (a grade, a
 * figure); undefined for a unit with none (ungraded, which a finalised audit never has).
 */
export function csvAssessment(unit: UnitFact, gradeLabel: (grade: Grade) => string): string | undefined {
  for (const report of Object.values(reports)) {
    const cell = report.csvAssessment(unit, gradeLabel);
    if (cell !== undefined) return cell;
  }
  return undefined;
}
