import type { RubricNode } from '../../../domain/index';

/** About what a tablet shows before scrolling. */
export const FIRST_SCREENFUL_UNITS = 4;

/**
 * The part of the form the scoring page renders first: items in order, cut after `minUnits` graded units (an
 * item cut short keeps its first sub-items; nodes not cut are the rubric's own objects). The rest follows in
 * a render that a tap interrupts, so the first grade control does not wait for the whole form (25 units on
 * KF02, 46 on KF3).
 */
export function firstScreenful(
  items: readonly RubricNode[],
  minUnits = FIRST_SCREENFUL_UNITS,
): readonly RubricNode[] {
  let left = minUnits;
  const take = (nodes: readonly RubricNode[]): RubricNode[] => {
    const kept: RubricNode[] = [];
    for (const node of nodes) {
      if (left <= 0) break;
      if (node.children === undefined) {
        kept.push(node);
        left--;
        continue;
      }
      const children = take(node.children);
      kept.push(children.length === node.children.length ? node : { ...node, children });
    }
    return kept;
  };
  return take(items);
}
