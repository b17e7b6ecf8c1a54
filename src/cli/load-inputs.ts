import { formatIssue, parseAnswers, parseRubric, type Grades, type Rubric } from '../domain/index';
import { readJsonFile, type CliIo } from './io';

/** Reads a rubric file and an answers file, printing every problem as `file: path: message`. */
export async function loadRubricAndGrades(
  rubricFile: string,
  answersFile: string,
  io: CliIo,
): Promise<{ rubric: Rubric; grades: Grades } | undefined> {
  const rubricJson = await readJsonFile(rubricFile);
  const rubric = rubricJson.ok ? parseRubric(rubricJson.value) : rubricJson;
  if (!rubric.ok) {
    for (const issue of rubric.issues) io.err(`${rubricFile}: ${formatIssue(issue)}`);
    return undefined;
  }
  const answersJson = await readJsonFile(answersFile);
  const answers = answersJson.ok ? parseAnswers(rubric.value, answersJson.value) : answersJson;
  if (!answers.ok) {
    for (const issue of answers.issues) io.err(`${answersFile}: ${formatIssue(issue)}`);
    return undefined;
  }
  return { rubric: rubric.value, grades: answers.value.grades };
}
