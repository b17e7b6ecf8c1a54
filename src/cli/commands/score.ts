import { scoreAudit, summarizeScore } from '../../domain/index';
import type { CliIo } from '../io';
import { loadRubricAndGrades } from '../load-inputs';
import { formatScoreTable } from '../score-table';

export interface ScoreOptions {
  readonly rubric: string;
  readonly answers: string;
  readonly json: boolean;
}

/** `ducha score --rubric <file> --answers <file> [--json]`. */
export async function scoreCommand(options: ScoreOptions, io: CliIo): Promise<number> {
  const inputs = await loadRubricAndGrades(options.rubric, options.answers, io);
  if (inputs === undefined) return 1;
  const result = scoreAudit(inputs.rubric, inputs.grades);
  if (options.json) io.out(JSON.stringify(summarizeScore(result), null, 2));
  else io.out(formatScoreTable(inputs.rubric, result));
  return 0;
}
