import { gradeKeys, rubricSchema, type Rubric, type RubricNode } from './rubric-schema';
import { rubricLimitIssues } from './rubric-limits';
import { effectiveMethod, walkNodes } from './rubric-tree';
import { fail, formatPath, ok, type Issue, type Result } from '../result';
import { toHundredths } from '../scoring/hundredths';
import { kindOf } from '../kinds/unit-kinds';

/**
 * Parses untrusted JSON into a rubric: depth and size first (so nothing recursive meets a hostile file),
 * then the zod schema checks shape and types, then the rules that span several nodes (unique ids,
 * numbering, point sums, overflow) are checked here. Every problem is reported, not just the first.
 * Nothing is transformed: the value returned is deep-equal to the input. Never throws on JSON input.
 */
export function parseRubric(input: unknown): Result<Rubric> {
  const tooBig = rubricLimitIssues(input);
  if (tooBig.length > 0) return fail(tooBig);
  const parsed = rubricSchema.safeParse(input);
  if (!parsed.success) {
    return fail(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  const issues = checkRubricRules(parsed.data);
  return issues.length > 0 ? fail(issues) : ok(parsed.data);
}

function checkRubricRules(rubric: Rubric): Issue[] {
  const issues: Issue[] = [];
  const report = (path: readonly PropertyKey[], message: string) =>
    issues.push({ path: formatPath(path), message });

  const seenKeys = new Map<string, number>();
  rubric.scale.forEach((level, index) => {
    const first = seenKeys.get(level.key);
    if (first !== undefined)
      report(['scale', index, 'key'], `duplicate scale key "${level.key}" (also scale[${first}])`);
    else seenKeys.set(level.key, index);
  });
  for (const key of gradeKeys) {
    if (!seenKeys.has(key)) report(['scale'], `scale is missing the level "${key}"`);
  }

  const seenIds = new Map<string, string>();
  for (const { node, parent, path } of walkNodes(rubric)) {
    const at = (...rest: PropertyKey[]) => [...path, ...rest];
    const earlier = seenIds.get(node.id);
    if (earlier !== undefined) report(at('id'), `duplicate id "${node.id}" (first used at ${earlier})`);
    else seenIds.set(node.id, formatPath(path));

    if (parent === undefined) {
      if (node.id.includes('.')) report(at('id'), `top-level item id "${node.id}" must be a single number`);
      if (node.title === undefined) report(at('title'), 'a top-level item needs a title (the 项目 column)');
    } else {
      const expectedPrefix = `${parent.id}.`;
      const rest = node.id.slice(expectedPrefix.length);
      if (!node.id.startsWith(expectedPrefix) || rest.includes('.')) {
        report(
          at('id'),
          `id "${node.id}" is not consistent with its parent "${parent.id}": expected "${parent.id}.<n>"`,
        );
      }
    }

    if (node.children === undefined) {
      if (node.kind !== undefined && rubric.version < 2)
        report(at('kind'), `kind "${node.kind}" needs rubric format version 2 (this file says ${rubric.version})`);
      issues.push(...kindOf(node).nodeIssues(node, path));
      if (node.standard === undefined)
        report(at('standard'), `graded unit "${node.id}" needs a standard (the 标准 text)`);
      if (node.overflow !== undefined)
        report(
          at('overflow'),
          `graded unit "${node.id}" has no sub-items, so overflow "${node.overflow}" does not apply`,
        );
      continue;
    }
    for (const key of ['kind', 'unit', 'target', 'rule'] as const) {
      if (node[key] !== undefined)
        report(at(key), `item "${node.id}" has sub-items, so it is scored from them: ${key} belongs on a graded unit`);
    }
    checkChildrenPoints(node, at, report);
  }

  for (const { node, path } of walkNodes(rubric)) {
    if (node.children === undefined && effectiveMethod(rubric, node.id) === undefined) {
      report(
        [...path, 'method'],
        `graded unit "${node.id}" has no method (考核与评分方法), neither its own nor an ancestor's`,
      );
    }
  }
  return issues;
}

function checkChildrenPoints(
  node: RubricNode,
  at: (...rest: PropertyKey[]) => PropertyKey[],
  report: (path: readonly PropertyKey[], message: string) => void,
): void {
  const children = node.children ?? [];
  const sum = children.reduce((acc, c) => acc + toHundredths(c.points), 0);
  const own = toHundredths(node.points);
  const show = (h: number) => String(h / 100);
  if (node.overflow !== undefined) {
    if (sum <= own) {
      report(
        at('overflow'),
        `item "${node.id}" declares overflow "${node.overflow}" but its children's points (${show(sum)}) do not exceed its points (${show(own)})`,
      );
    }
  } else if (sum !== own) {
    report(
      at('points'),
      `item "${node.id}" has ${show(own)} points but its children's points sum to ${show(sum)}; make them equal or declare overflow "deduct" (or "cap")`,
    );
  }
}
