/** A problem found in data from outside: where it is and what is wrong, in plain words. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly Issue[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(issues: readonly Issue[]): Result<T> => ({ ok: false, issues });

/** Renders a property path the way a person reads it: items[0].children[2].points, grades["4.1"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'symbol') out += `[${key.description ?? 'symbol'}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out === '' ? '(root)' : out;
}

export function formatIssue(issue: Issue): string {
  return `${issue.path}: ${issue.message}`;
}
