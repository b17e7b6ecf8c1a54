import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRubric } from '../rubric/parse-rubric';
import type { Grade, Rubric } from '../rubric/rubric-schema';
import { walkNodes } from '../rubric/rubric-tree';
import { rescoreUnits } from './rescore';
import { scoreAudit, type Grades } from './score-audit';

const seed = (id: string): Rubric => {
  const parsed = parseRubric(
    JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'rubrics', `${id}.json`), 'utf8')),
  );
  if (!parsed.ok) throw new Error(`rubrics/${id}.json does not parse`);
  return parsed.value;
};

const unitsOf = (rubric: Rubric): string[] =>
  [...walkNodes(rubric)].filter(({ node }) => node.children === undefined).map(({ node }) => node.id);

/** A fixed pseudo-random sequence (mulberry32), so a failure names a case that can be run again. */
function random(seedValue: number): () => number {
  let a = seedValue;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(['KF01', 'KF02', 'KF3'])('rescoreUnits on the seed rubric %s', (id) => {
  const rubric = seed(id);
  const units = unitsOf(rubric);
  const na: Grade[] = rubric.allowNA ? ['na'] : [];
  const choices: (Grade | undefined)[] = [...rubric.scale.map((level) => level.key), ...na, undefined];

  it('equals the full scorer after each of 400 random changes (one or several units at a time)', () => {
    const next = random(id.length * 7919);
    let grades: Grades = {};
    let score = scoreAudit(rubric, grades);
    for (let step = 0; step < 400; step++) {
      const changed = new Set<string>();
      const count = step % 10 === 0 ? 1 + Math.floor(next() * 5) : 1;
      const updated = new Map(Object.entries(grades));
      for (let i = 0; i < count; i++) {
        const unit = units[Math.floor(next() * units.length)];
        if (unit === undefined) throw new Error('no units');
        const grade = choices[Math.floor(next() * choices.length)];
        if (grade === undefined) updated.delete(unit);
        else updated.set(unit, grade);
        changed.add(unit);
      }
      grades = Object.fromEntries(updated);
      score = rescoreUnits(rubric, score, grades, changed);
      expect(score, `step ${step}`).toEqual(scoreAudit(rubric, grades));
    }
  });

  it('keeps every node it did not change, and the whole score when nothing changed', () => {
    const first = units[0];
    const last = units.at(-1);
    if (first === undefined || last === undefined) throw new Error('no units');
    const before = scoreAudit(rubric, { [last]: 'compliant' });
    const after = rescoreUnits(rubric, before, { [first]: 'compliant', [last]: 'compliant' }, [first]);
    const changedIds = after.nodes.filter((n, i) => n !== before.nodes[i]).map((n) => n.id);
    // The unit and the items above it, nothing else.
    const ancestry = [...walkNodes(rubric)]
      .filter(
        ({ node }) =>
          node.id === first || (node.children !== undefined && isAncestor(node.id, first, rubric)),
      )
      .map(({ node }) => node.id);
    expect(changedIds.sort()).toEqual(ancestry.sort());
    expect(rescoreUnits(rubric, after, { [first]: 'compliant', [last]: 'compliant' }, [first])).toBe(after);
  });
});

function isAncestor(itemId: string, unitId: string, rubric: Rubric): boolean {
  for (const { node } of walkNodes(rubric))
    if (node.id === itemId) return JSON.stringify(node.children ?? []).includes(`"id":"${unitId}"`);
  return false;
}

describe('rescoreUnits refuses what is not its to score', () => {
  const rubric = seed('KF3');
  it('an item or an unknown id, and a score of another rubric', () => {
    const score = scoreAudit(rubric, {});
    expect(() => rescoreUnits(rubric, score, {}, ['2'])).toThrow('"2" is not a graded unit of rubric KF3');
    expect(() => rescoreUnits(rubric, score, {}, ['9.9'])).toThrow(
      '"9.9" is not a graded unit of rubric KF3',
    );
    expect(() => rescoreUnits(rubric, scoreAudit(seed('KF02'), {}), {}, ['1.1'])).toThrow(
      'the previous score is not a score of rubric KF3',
    );
  });
});
