/** What a write key names: `<what>:<audit id>:<unit or role>[:…]`. */
export type UnsavedWhat = 'grade' | 'note' | 'photo-add' | 'photo-remove' | 'signature' | 'timing';

/** A write for one audit that is not yet safely stored: still running, or failed and waiting for 重试. */
export interface UnsavedWrite {
  readonly key: string;
  readonly what: UnsavedWhat;
  /** The graded unit (grade, note, photos) or the signer role (signature). */
  readonly target: string;
  readonly state: 'pending' | 'failed';
}

const unsavedWhats: readonly UnsavedWhat[] = ['grade', 'note', 'photo-add', 'photo-remove', 'signature', 'timing'];

function isUnsavedWhat(value: string): value is UnsavedWhat {
  return unsavedWhats.some((w) => w === value);
}

/** Reads a write key back; keys of other writes (create, finalise, export…) give undefined. */
export function parseWriteKey(key: string): { what: UnsavedWhat; auditId: string; target: string } | undefined {
  const [what, auditId, target] = key.split(':');
  if (what === undefined || auditId === undefined || target === undefined || !isUnsavedWhat(what)) return undefined;
  return { what, auditId, target };
}

/** Every pending or failed change to one audit's content, failed first; what 定稿 must wait for. */
export function unsavedWritesOf(
  auditId: string,
  pendingKeys: ReadonlyMap<string, number>,
  failedKeys: Iterable<string>,
): UnsavedWrite[] {
  const out: UnsavedWrite[] = [];
  const seen = new Set<string>();
  for (const key of failedKeys) {
    const parsed = parseWriteKey(key);
    if (parsed?.auditId !== auditId) continue;
    seen.add(key);
    out.push({ key, what: parsed.what, target: parsed.target, state: 'failed' });
  }
  for (const [key, count] of pendingKeys) {
    const parsed = parseWriteKey(key);
    if (count <= 0 || seen.has(key) || parsed?.auditId !== auditId) continue;
    out.push({ key, what: parsed.what, target: parsed.target, state: 'pending' });
  }
  return out;
}
