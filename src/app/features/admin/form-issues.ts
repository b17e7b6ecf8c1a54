/** Zod's issue as far as a form needs it. */
interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The first problem per form field (the first segment of its path: `siteKeys.2` is the sites field), so
 * each field shows one Chinese hint beside it, with the schema's own words as the detail.
 */
export function firstIssueByField(issues: readonly IssueLike[]): ReadonlyMap<string, string> {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const [head] = issue.path;
    const field = head === undefined ? '' : String(head);
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  return byField;
}
