import type { Grade, OverflowMode, Rubric, RubricNode } from '../rubric/rubric-schema';
import { kindOf } from '../kinds/unit-kinds';
import type { UnitAnswer, UnitAnswers } from '../kinds/unit-kind';
import { fromHundredths, fromTenths, percentTenths, toHundredths } from './hundredths';
import { CURRENT_SCORING_RULES, supportsOverflow, type ScoringRulesVersion } from './scoring-rules';

export type Grades = Readonly<Partial<Record<string, Grade>>>;

/**
 * - graded / na / missing: a graded unit with a grade, marked 不适用, or not yet graded;
 * - complete / partial / all_na: an item whose units are all decided, some still missing, or all 不适用.
 */
export type NodeState = 'graded' | 'na' | 'missing' | 'complete' | 'partial' | 'all_na';

export interface NodeScore {
  readonly id: string;
  readonly depth: number;
  readonly isUnit: boolean;
  /** 标准分值 in hundredths. */
  readonly pointsH: number;
  readonly earnedH: number;
  readonly possibleH: number;
  readonly grade: Grade | undefined;
  readonly state: NodeState;
  /** An overflow: "cap" item whose children would have earned more than its points. */
  readonly isCapApplied: boolean;
  /** The item's overflow mode, so a view can say 封顶 or 扣完为止 without going back to the rubric. */
  readonly overflow: OverflowMode | undefined;
  /**
   * Hundredths lost through grades: possible − earned for a unit, Σ (possible − earned) of the children
   * for an item. Under "cap" it can exceed the item's own possible − earned: that gap is what a cap hides.
   */
  readonly lostH: number;
}

export interface ScoreResult {
  readonly rubricId: string;
  readonly earnedH: number;
  readonly possibleH: number;
  /** Percent in tenths (734 = 73.4 %), null when every unit is 不适用. */
  readonly percentTenths: number | null;
  readonly complete: boolean;
  /** Ungraded units in document order. */
  readonly missing: readonly string[];
  /** Every node in document order. */
  readonly nodes: readonly NodeScore[];
}

/**
 * Scores grades against a rubric under the given scoring rules (the current ones unless a seal recorded
 * older ones). Ungraded units count in neither earned nor possible (the running score an auditor sees);
 * 不适用 drops out of both. Grades must already be validated against the rubric (parseAnswers or
 * gradeIssues) and the rubric against the rules (rubricRulesIssues); anything else is a programmer error
 * and throws.
 */
export function scoreAudit(
  rubric: Rubric,
  answers: UnitAnswers,
  rules: ScoringRulesVersion = CURRENT_SCORING_RULES,
): ScoreResult {
  const nodes: NodeScore[] = [];
  const unitIds = new Set<string>();

  const score = (node: RubricNode, depth: number): NodeScore => {
    if (node.children === undefined) {
      unitIds.add(node.id);
      const result = scoreUnit(rubric, node, depth, answers[node.id], rules);
      nodes.push(result);
      return result;
    }
    const slot = nodes.length;
    nodes.push(unitScore(node.id, depth, 0, 0, 0, undefined, 'partial')); // keeps document order
    const result = scoreItem(
      node,
      depth,
      node.children.map((child) => score(child, depth + 1)),
      rules,
    );
    nodes[slot] = result;
    return result;
  };

  const top = rubric.items.map((item) => score(item, 0));
  for (const id of Object.keys(answers)) {
    if (!unitIds.has(id)) throw new Error(`"${id}" is not a graded unit of rubric ${rubric.id}`);
  }
  return totalScore(rubric.id, top, nodes);
}

/** One graded unit's score under its answer (undefined: not yet answered), scored by the unit's kind. */
export function scoreUnit(
  rubric: Rubric,
  node: RubricNode,
  depth: number,
  answer: UnitAnswer | undefined,
  rules: ScoringRulesVersion,
): NodeScore {
  const kind = kindOf(node);
  if (kind.sinceRules > rules) throw new Error(`unit ${node.id} of rubric ${rubric.id} needs newer scoring rules than ${rules}`);
  const outcome = kind.score(rubric, node, answer);
  return unitScore(node.id, depth, toHundredths(node.points), outcome.earnedH, outcome.possibleH, outcome.grade, outcome.state);
}

/** An item's score from its children's scores (in order). */
export function scoreItem(
  node: RubricNode,
  depth: number,
  children: readonly NodeScore[],
  rules: ScoringRulesVersion,
): NodeScore {
  const pointsH = toHundredths(node.points);
  const sumEarned = children.reduce((acc, c) => acc + c.earnedH, 0);
  const sumPossible = children.reduce((acc, c) => acc + c.possibleH, 0);
  const lostH = sumPossible - sumEarned;
  const { overflow } = node;
  if (overflow !== undefined && !supportsOverflow(overflow, rules))
    throw new Error(`overflow "${overflow}" of item ${node.id} needs newer scoring rules than ${rules}`);
  const isCap = overflow === 'cap';
  // Both modes start from the item's points when the applicable sub-items are worth more; they differ
  // in what a lost point does: under cap it is absorbed by the surplus, under deduct it always counts.
  const possibleH = overflow === undefined ? sumPossible : Math.min(pointsH, sumPossible);
  const earnedH =
    overflow === undefined
      ? sumEarned
      : isCap
        ? Math.min(possibleH, sumEarned)
        : Math.max(0, possibleH - lostH);
  return {
    id: node.id,
    depth,
    isUnit: false,
    pointsH,
    earnedH,
    possibleH,
    grade: undefined,
    state: parentState(children),
    isCapApplied: isCap && sumEarned > possibleH,
    overflow,
    lostH,
  };
}

/** The totals over the top-level items, with every node (document order) and the ungraded units among them. */
export function totalScore(
  rubricId: string,
  top: readonly NodeScore[],
  nodes: readonly NodeScore[],
): ScoreResult {
  const earnedH = top.reduce((acc, n) => acc + n.earnedH, 0);
  const possibleH = top.reduce((acc, n) => acc + n.possibleH, 0);
  const missing = nodes.filter((n) => n.isUnit && n.state === 'missing').map((n) => n.id);
  return {
    rubricId,
    earnedH,
    possibleH,
    percentTenths: percentTenths(earnedH, possibleH),
    complete: missing.length === 0,
    missing,
    nodes,
  };
}

function unitScore(
  id: string,
  depth: number,
  pointsH: number,
  earnedH: number,
  possibleH: number,
  grade: Grade | undefined,
  state: NodeState,
): NodeScore {
  return {
    id,
    depth,
    isUnit: true,
    pointsH,
    earnedH,
    possibleH,
    grade,
    state,
    isCapApplied: false,
    overflow: undefined,
    lostH: possibleH - earnedH,
  };
}

function parentState(children: readonly NodeScore[]): NodeState {
  if (children.some((c) => c.state === 'missing' || c.state === 'partial')) return 'partial';
  if (children.every((c) => c.state === 'na' || c.state === 'all_na')) return 'all_na';
  return 'complete';
}

/** The score as plain decimals, the shape `ducha score --json` prints. */
export interface ScoreSummary {
  readonly rubric: string;
  readonly earned: number;
  readonly possible: number;
  readonly percent: number | null;
  readonly complete: boolean;
  readonly missing: readonly string[];
  readonly items: readonly { readonly id: string; readonly earned: number; readonly possible: number }[];
}

export function summarizeScore(result: ScoreResult): ScoreSummary {
  return {
    rubric: result.rubricId,
    earned: fromHundredths(result.earnedH),
    possible: fromHundredths(result.possibleH),
    percent: result.percentTenths === null ? null : fromTenths(result.percentTenths),
    complete: result.complete,
    missing: result.missing,
    items: result.nodes.map((n) => ({
      id: n.id,
      earned: fromHundredths(n.earnedH),
      possible: fromHundredths(n.possibleH),
    })),
  };
}
