/**
 * The nesting depth of a parsed JSON value, walked without recursion, stopping as soon as it passes
 * `limit`. Recursive code downstream (zod, canonical JSON) would otherwise die with a RangeError on a
 * value nested a few thousand levels deep.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    if (typeof top.value !== 'object' || top.value === null) continue;
    if (top.depth >= limit) return true;
    const children: unknown[] = Array.isArray(top.value) ? top.value : Object.values(top.value);
    for (const child of children) stack.push({ value: child, depth: top.depth + 1 });
  }
  return false;
}

/** Envelopes, bundles and key files never need more than this; rubrics have their own, smaller limit. */
export const MAX_JSON_DEPTH = 40;
