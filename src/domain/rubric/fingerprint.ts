import { canonicalHash } from '../canonical/canonical-json';
import type { Rubric } from './rubric-schema';

/**
 * Identifies the exact content of a rubric: "sha256:<hex>" over its canonical JSON. Two files that differ
 * only in whitespace or key order share a fingerprint; any change to a word or a point does not.
 */
export function rubricFingerprint(rubric: Rubric): string {
  return `sha256:${canonicalHash(rubric)}`;
}
