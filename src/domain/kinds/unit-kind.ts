import type { Issue } from '../result';
import type { Grade, Rubric, RubricNode } from '../rubric/rubric-schema';

/** What one graded unit contributes to the score, whatever its kind. */
export interface UnitOutcome {
  readonly earnedH: number;
  readonly possibleH: number;
  readonly state: 'graded' | 'na' | 'missing';
  readonly grade: Grade | undefined;
}

/** A unit's answer as scoring sees it: a grade (graded units) or a figure in hundredths (metric units). */
export type UnitAnswer = Grade | { readonly figureH: number };
export type UnitAnswers = Readonly<Partial<Record<string, UnitAnswer>>>;

/** One answer as stored or received, before it is checked against its unit. */
export interface ReceivedAnswer {
  readonly unitId: string;
  readonly grade?: Grade | undefined;
  readonly figure?: number | undefined;
}

export type AnswerField = 'grade' | 'figure';

/**
 * Everything a kind of graded unit decides for itself, so a new kind is one folder under kinds/: which
 * rubric fields it needs, what an answer to it looks like, and how it scores. Scoring, answer checks and
 * rubric validation dispatch here; nothing else tests a node's kind.
 */
export interface UnitKind {
  /** The first scoring rules version that knows this kind (a seal under older rules cannot contain it). */
  readonly sinceRules: number;
  /** Rubric rules only this kind has, reported at `path` (the node's own path). */
  nodeIssues(node: RubricNode, path: readonly PropertyKey[]): Issue[];
  /** Why this answer cannot be scored for `node`; `at(field)` gives the path of a field of the answer. */
  answerIssues(
    rubric: Pick<Rubric, 'id' | 'scale' | 'allowNA'>,
    node: RubricNode,
    answer: ReceivedAnswer,
    at: (field: AnswerField) => string,
  ): Issue[];
  /** The unit's score; the answer was checked by answerIssues, so anything else is a programmer error. */
  score(rubric: Pick<Rubric, 'id' | 'scale' | 'allowNA'>, node: RubricNode, answer: UnitAnswer | undefined): UnitOutcome;
}
