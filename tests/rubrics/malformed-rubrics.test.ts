import { describe, expect, it } from 'vitest';
import { parseRubric } from '../../src/domain/index';
import { malformedRubrics } from '../support/malformed-rubrics';
import { readJson } from '../support/load';

describe('malformed rubrics are refused with a path, never with an exception', () => {
  it(`holds at least 60 cases (${malformedRubrics.length}), each named once`, () => {
    expect(malformedRubrics.length).toBeGreaterThanOrEqual(60);
    expect(new Set(malformedRubrics.map((c) => c.name)).size).toBe(malformedRubrics.length);
  });

  it('starts from rubrics that are valid as shipped', () => {
    expect(parseRubric(readJson('rubrics/KF3.json')).ok).toBe(true);
    expect(parseRubric(readJson('rubrics/KF01.json')).ok).toBe(true);
  });

  it.each(malformedRubrics)('$name → $path', ({ rubric, path }) => {
    let result: ReturnType<typeof parseRubric> | undefined;
    expect(() => (result = parseRubric(rubric))).not.toThrow();
    expect(result?.ok).toBe(false);
    if (result === undefined || result.ok) return;
    // Only the issues are printed on failure: the deep cases would overflow the stack of any printer.
    expect(
      result.issues.map((i) => i.path),
      JSON.stringify(result.issues).slice(0, 2000),
    ).toContain(path);
  });
});
