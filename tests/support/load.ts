import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnswers, parseRubric, type Grades, type Rubric } from '../../src/domain/index';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const rubricIds = ['KF01', 'KF02', 'KF3'] as const;

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));
}

export function loadRubric(id: string): Rubric {
  const result = parseRubric(readJson(`rubrics/${id}.json`));
  if (!result.ok) throw new Error(`rubrics/${id}.json is invalid: ${JSON.stringify(result.issues)}`);
  return result.value;
}

export function loadGrades(rubric: Rubric, fixture: string): Grades {
  const result = parseAnswers(rubric, readJson(`tests/fixtures/answers/${fixture}.json`));
  if (!result.ok) throw new Error(`${fixture} is invalid: ${JSON.stringify(result.issues)}`);
  return result.value.grades;
}
