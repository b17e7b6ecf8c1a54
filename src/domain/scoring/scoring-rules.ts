import { z } from 'zod';
import type { OverflowMode, Rubric } from '../rubric/rubric-schema';
import { walkNodes } from '../rubric/rubric-tree';
import { formatPath, type Issue } from '../result';
import { kindOf } from '../kinds/unit-kinds';

/**
 * Every version of the scoring rules, kept as code so a seal made under old rules still verifies:
 * 1. units earn points × factor, 不适用 drops out, items sum their children, overflow "cap" clips at the
 *    item's points (what audits sealed before 扣完为止 were scored with);
 * 2. rules 1 plus overflow "deduct" (扣完为止);
 * 3. rules 2 plus metric units (kinds/metric: linear, steps and per_event rules over a figure).
 * Rules 3 scores every rubric rules 2 can score exactly as rules 2 does.
 */
export const SCORING_RULES_VERSIONS = [1, 2, 3] as const;
export type ScoringRulesVersion = (typeof SCORING_RULES_VERSIONS)[number];
export const CURRENT_SCORING_RULES: ScoringRulesVersion = 3;

export const scoringRulesVersionSchema = z.union(
  SCORING_RULES_VERSIONS.map((v) => z.literal(v)),
  { error: `scoring rules must be one of ${SCORING_RULES_VERSIONS.join(', ')}` },
);

/** The first rules version that knows each overflow mode. */
const overflowSince = { cap: 1, deduct: 2 } as const satisfies Record<OverflowMode, ScoringRulesVersion>;

export const supportsOverflow = (mode: OverflowMode, rules: ScoringRulesVersion): boolean =>
  overflowSince[mode] <= rules;

/**
 * What in a (valid) rubric the given rules cannot score: an overflow mode or a kind of unit newer than the rules.
 * Check this before scoreAudit(rubric, grades, rules), which treats it as a programmer error.
 */
export function rubricRulesIssues(rubric: Pick<Rubric, 'items'>, rules: ScoringRulesVersion): Issue[] {
  const issues: Issue[] = [];
  for (const { node, path } of walkNodes(rubric)) {
    const { sinceRules } = kindOf(node);
    if (node.children === undefined && sinceRules > rules) {
      issues.push({
        path: formatPath([...path, 'kind']),
        message: `kind "${node.kind ?? 'grade'}" needs scoring rules ${sinceRules}; this seal was scored with rules ${rules}`,
      });
    }
    if (node.overflow !== undefined && !supportsOverflow(node.overflow, rules)) {
      issues.push({
        path: formatPath([...path, 'overflow']),
        message: `overflow "${node.overflow}" needs scoring rules ${overflowSince[node.overflow]}; this seal was scored with rules ${rules}`,
      });
    }
  }
  return issues;
}
