/**
 * Whether two JSON values would give the same canonical JSON (RFC 8785), without writing either out:
 * members whose value is undefined are absent (as JSON.stringify and canonicalize leave them out), and
 * numbers compare by value (0 and -0 both serialise as 0). Comparing text cost a second serialisation of
 * every envelope a bundle holds; this walks each value once and stops at the first difference.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = definedKeys(a);
  const bKeys = definedKeys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (const key of aKeys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!jsonEqual(Reflect.get(a, key), Reflect.get(b, key))) return false;
  }
  return true;
}

function definedKeys(value: object): string[] {
  return Object.keys(value).filter((key) => Reflect.get(value, key) !== undefined);
}
