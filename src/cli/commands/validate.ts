import { formatIssue, parseRubric } from '../../domain/index';
import { readJsonFile, type CliIo } from '../io';

/** `ducha validate <files…>`: 0 when every rubric is valid, else 1 with one line per problem. */
export async function validateCommand(files: readonly string[], io: CliIo): Promise<number> {
  if (files.length === 0) {
    io.err('validate: name at least one rubric file, e.g. ducha validate rubrics/*.json');
    return 1;
  }
  let problems = 0;
  for (const file of files) {
    const json = await readJsonFile(file);
    const result = json.ok ? parseRubric(json.value) : json;
    if (result.ok) {
      io.out(
        `${file}: ok (${result.value.id}, ${result.value.items.length} items, ${totalPoints(result.value.items)} points)`,
      );
      continue;
    }
    for (const issue of result.issues) io.err(`${file}: ${formatIssue(issue)}`);
    problems += result.issues.length;
  }
  if (problems > 0) io.err(`${problems} problem${problems === 1 ? '' : 's'} found`);
  return problems > 0 ? 1 : 0;
}

const totalPoints = (items: readonly { points: number }[]): number =>
  items.reduce((acc, i) => acc + Math.round(i.points * 100), 0) / 100;
