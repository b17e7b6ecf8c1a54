import type { Rubric, RubricNode } from '../rubric/rubric-schema';
import type { UnitAnswers } from '../kinds/unit-kind';
import { scoreItem, scoreUnit, totalScore, type NodeScore, type ScoreResult } from './score-audit';
import { CURRENT_SCORING_RULES, type ScoringRulesVersion } from './scoring-rules';

interface Placed {
  readonly node: RubricNode;
  readonly depth: number;
  /** Where its score sits in `ScoreResult.nodes` (document order, an item before its children). */
  readonly index: number;
  readonly parent: Placed | undefined;
  readonly childIndices: readonly number[];
}

interface RubricIndex {
  readonly byId: ReadonlyMap<string, Placed>;
  readonly topIndices: readonly number[];
  readonly size: number;
}

// A rubric is immutable once parsed: its index is made once and forgotten with it.
const indexes = new WeakMap<Rubric, RubricIndex>();

function indexOf(rubric: Rubric): RubricIndex {
  const known = indexes.get(rubric);
  if (known) return known;
  const byId = new Map<string, Placed>();
  let next = 0;
  const place = (node: RubricNode, depth: number, parent: Placed | undefined): Placed => {
    const index = next++;
    const childIndices: number[] = [];
    const placed: Placed = { node, depth, index, parent, childIndices };
    byId.set(node.id, placed);
    for (const child of node.children ?? []) childIndices.push(place(child, depth + 1, placed).index);
    return placed;
  };
  const topIndices = rubric.items.map((item) => place(item, 0, undefined).index);
  const index = { byId, topIndices, size: next };
  indexes.set(rubric, index);
  return index;
}

const sameNodeScore = (a: NodeScore, b: NodeScore): boolean =>
  a.id === b.id &&
  a.depth === b.depth &&
  a.isUnit === b.isUnit &&
  a.pointsH === b.pointsH &&
  a.earnedH === b.earnedH &&
  a.possibleH === b.possibleH &&
  a.grade === b.grade &&
  a.state === b.state &&
  a.isCapApplied === b.isCapApplied &&
  a.overflow === b.overflow &&
  a.lostH === b.lostH;

/**
 * The score after the answers of `changed` units changed, from the score before: those units and their
 * items are scored again, nothing else. Equals `scoreAudit(rubric, answers, rules)` (the tests prove it on the
 * seed rubrics), and every node whose score did not change keeps its object, so a view can tell what changed
 * by identity. `previous` must be a score of this rubric under the same rules.
 */
export function rescoreUnits(
  rubric: Rubric,
  previous: ScoreResult,
  answers: UnitAnswers,
  changed: Iterable<string>,
  rules: ScoringRulesVersion = CURRENT_SCORING_RULES,
): ScoreResult {
  const index = indexOf(rubric);
  if (previous.rubricId !== rubric.id || previous.nodes.length !== index.size)
    throw new Error(`the previous score is not a score of rubric ${rubric.id}`);
  const nodes = [...previous.nodes];
  const keep = (at: number, fresh: NodeScore): boolean => {
    const old = nodes[at];
    if (old !== undefined && sameNodeScore(old, fresh)) return false;
    nodes[at] = fresh;
    return true;
  };
  let isChanged = false;
  for (const unitId of changed) {
    const unit = index.byId.get(unitId);
    if (unit === undefined || unit.node.children !== undefined)
      throw new Error(`"${unitId}" is not a graded unit of rubric ${rubric.id}`);
    if (!keep(unit.index, scoreUnit(rubric, unit.node, unit.depth, answers[unitId], rules))) continue;
    isChanged = true;
    for (let item = unit.parent; item !== undefined; item = item.parent) {
      const children = item.childIndices.map((at) => nodes[at]).filter((n) => n !== undefined);
      if (!keep(item.index, scoreItem(item.node, item.depth, children, rules))) break;
    }
  }
  if (!isChanged) return previous;
  const top = index.topIndices.map((at) => nodes[at]).filter((n) => n !== undefined);
  return totalScore(rubric.id, top, nodes);
}
