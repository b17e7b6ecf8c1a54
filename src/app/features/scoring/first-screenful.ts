import { gradedUnits, type RubricNode } from '../../../domain/index';

/** About what a tablet shows before scrolling. */
export const FIRST_SCREENFUL_UNITS = 4;

/**
 * The top-level items the scoring form renders first: whole items, until they hold at least `minUnits`
 * graded units. The rest follows in a render that a tap interrupts, so the first grade control does not wait
 * for the whole form (25 units on KF02, 46 on KF3).
 */
export function firstScreenful(
  items: readonly RubricNode[],
  minUnits = FIRST_SCREENFUL_UNITS,
): readonly RubricNode[] {
  let units = 0;
  const index = items.findIndex((item) => {
    units += gradedUnits({ items: [item] }).length;
    return units >= minUnits;
  });
  return index === -1 ? items : items.slice(0, index + 1);
}
