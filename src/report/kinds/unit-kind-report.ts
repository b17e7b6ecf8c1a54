import type { Answer, Grade, NodeScore, Rubric, RubricNode, UnitFact } from '../../domain/index';

/**
 * The report side of a unit kind (the domain side is src/domain/kinds, the form side
 * src/app/features/scoring/kinds): what the sheet and the units CSV show a unit was scored from.
 */
export interface UnitKindReport {
  /** Under the points in the sheet's 实际得分 cell of a scored unit: the grade's label, the figure with its unit… */
  sheetScoredFrom(rubric: Rubric, node: RubricNode, score: NodeScore, answer: Answer | undefined): string;
  /** The units CSV's 评定 cell when this fact is this kind's answer; undefined otherwise. */
  csvAssessment(unit: UnitFact, gradeLabel: (grade: Grade) => string): string | undefined;
}
