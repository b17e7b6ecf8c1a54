import { parseRubric, type Issue, type Rubric } from '../domain/index';

const files = import.meta.glob<unknown>('../../rubrics/*.json', { eager: true, import: 'default' });

export interface ShippedRubrics {
  readonly rubrics: readonly Rubric[];
  readonly problems: readonly { file: string; issues: readonly Issue[] }[];
}

/** The rubrics bundled with the app, each validated exactly as the CLI validates it. */
export function loadShippedRubrics(): ShippedRubrics {
  const rubrics: Rubric[] = [];
  const problems: { file: string; issues: readonly Issue[] }[] = [];
  for (const [file, json] of Object.entries(files)) {
    const result = parseRubric(json);
    if (result.ok) rubrics.push(result.value);
    else problems.push({ file: file.replace(/^.*\//, ''), issues: result.issues });
  }
  return { rubrics, problems };
}
