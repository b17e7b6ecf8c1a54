import { formatPath, type Issue } from '../result';
import { RUBRIC_LIMITS } from './rubric-schema';

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

interface Pending {
  readonly node: unknown;
  /** Levels of `children` above this node: a top-level item is at level 0. */
  readonly level: number;
  readonly index: number;
  readonly parent: Pending | undefined;
}

/** The path of a pending node, built only when an issue needs it (the walk itself never copies paths). */
function pathOf(entry: Pending): string {
  const keys: (string | number)[] = [];
  for (let e: Pending | undefined = entry; e !== undefined; e = e.parent) {
    keys.push(e.index, e.parent === undefined ? 'items' : 'children');
  }
  return formatPath(keys.reverse());
}

/**
 * Checks the depth and size of untrusted rubric JSON before anything recursive touches it. zod and the
 * tree helpers recurse once per level, so a file nested 100,000 levels deep would end in a stack overflow
 * rather than an issue; this walk is iterative, never goes below the depth limit and stops counting past the
 * node limit, so it terminates on any input, cyclic objects included. Shape errors are left to the schema.
 */
export function rubricLimitIssues(input: unknown): Issue[] {
  if (!isRecord(input) || !Array.isArray(input.items)) return [];
  const issues: Issue[] = [];
  const stack: Pending[] = [];
  const pushChildren = (nodes: readonly unknown[], level: number, parent: Pending | undefined) => {
    // Reversed, so nodes come off the stack in document order and "the first node past the limit" is exact;
    // a node past index maxNodes of one array is past the limit anyway, so a huge array is never copied.
    for (let i = Math.min(nodes.length, RUBRIC_LIMITS.maxNodes + 1) - 1; i >= 0; i -= 1)
      stack.push({ node: nodes[i], level, index: i, parent });
  };
  pushChildren(input.items, 0, undefined);

  let count = 0;
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    count += 1;
    if (count > RUBRIC_LIMITS.maxNodes) {
      issues.push({
        path: pathOf(entry),
        message: `too many nodes: a rubric has at most ${RUBRIC_LIMITS.maxNodes} items and sub-items in all`,
      });
      break;
    }
    if (entry.level > RUBRIC_LIMITS.maxDepth) {
      issues.push({
        path: pathOf(entry),
        message: `nesting deeper than ${RUBRIC_LIMITS.maxDepth} levels of children`,
      });
      continue; // nothing below it is looked at: that is what keeps the walk short
    }
    const { node } = entry;
    if (isRecord(node) && Array.isArray(node.children)) pushChildren(node.children, entry.level + 1, entry);
  }
  return issues;
}
