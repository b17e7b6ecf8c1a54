import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runnerImport, type Plugin } from 'vite';
import type { formatIssue, parseRubric, Rubric, rubricFingerprint } from '../src/domain/index';

/** What the build needs from the domain: the same checks `ducha validate` runs, and the fingerprint. */
export interface RubricChecks {
  readonly parseRubric: typeof parseRubric;
  readonly rubricFingerprint: typeof rubricFingerprint;
  readonly formatIssue: typeof formatIssue;
}

export interface ShippedRubric {
  readonly file: string;
  readonly fingerprint: string;
  readonly rubric: Rubric;
}

const INDEX_ID = 'virtual:shipped-rubrics';
const RUBRIC_PREFIX = 'virtual:shipped-rubric/';

/**
 * Validates every rubric file exactly as `ducha validate` does and fingerprints the result. Throws, naming
 * every problem of every file, if one is not a valid rubric: the app never ships a rubric it would refuse.
 */
export function checkShippedRubrics(
  checks: RubricChecks,
  files: readonly { readonly file: string; readonly text: string }[],
): ShippedRubric[] {
  const problems: string[] = [];
  const rubrics: ShippedRubric[] = [];
  for (const { file, text } of files) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      problems.push(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    const parsed = checks.parseRubric(json);
    if (parsed.ok)
      rubrics.push({ file, fingerprint: checks.rubricFingerprint(parsed.value), rubric: parsed.value });
    else problems.push(...parsed.issues.map((issue) => `${file}: ${checks.formatIssue(issue)}`));
  }
  if (problems.length > 0) throw new Error(`shipped rubrics are invalid:\n${problems.join('\n')}`);
  return rubrics;
}

const hexOf = (fingerprint: string) => fingerprint.replace(/^sha256:/, '');

/** `virtual:shipped-rubrics`: what the new-audit form lists, and each rubric's own chunk by fingerprint. */
export function shippedRubricsModule(rubrics: readonly ShippedRubric[]): string {
  const entries = rubrics.map(
    ({ file, fingerprint, rubric }) =>
      `  { file: ${JSON.stringify(file)}, id: ${JSON.stringify(rubric.id)}, title: ${JSON.stringify(rubric.title)}, ` +
      `form: ${JSON.stringify(rubric.form)}, fingerprint: ${JSON.stringify(fingerprint)}, ` +
      // "…/<hex>/rubric-KF02": the fingerprint finds the rubric, the last part names its chunk.
      `load: () => import(${JSON.stringify(`${RUBRIC_PREFIX}${hexOf(fingerprint)}/rubric-${rubric.id}`)}).then((m) => m.default) },`,
  );
  return `export const shippedRubrics = [\n${entries.join('\n')}\n];\n`;
}

/** One rubric as parseRubric returned it (JSON.parse of a string: faster to load than an object literal). */
export const shippedRubricModule = (rubric: ShippedRubric): string =>
  `export default JSON.parse(${JSON.stringify(JSON.stringify(rubric.rubric))});\n`;

/**
 * Makes the rubrics in rubrics/ part of the build, checked and fingerprinted once here (see
 * src/app/shipped-rubrics.ts): the app trusts these copies by fingerprint and never re-parses them on a
 * device. A rubric that did not come from this build (stored by another version of the app) is still
 * parsed in full when it is read (AuditStore.getRubric).
 */
export function shippedRubrics(dir = 'rubrics'): Plugin {
  let root = process.cwd();
  let rubrics: ShippedRubric[] = [];
  return {
    name: 'ducha:shipped-rubrics',
    configResolved(config) {
      root = config.root;
    },
    async buildStart() {
      // The domain is TypeScript; Vite's module runner loads it, as it is, outside the app's own build.
      const { module: checks } = await runnerImport<RubricChecks>(join(root, 'src', 'domain', 'index.ts'), {
        configFile: false,
        logLevel: 'error',
      });
      const folder = join(root, dir);
      const names = readdirSync(folder)
        .filter((name) => name.endsWith('.json'))
        .sort();
      for (const name of names) this.addWatchFile(join(folder, name));
      rubrics = checkShippedRubrics(
        checks,
        names.map((name) => ({ file: name, text: readFileSync(join(folder, name), 'utf8') })),
      );
    },
    resolveId(id) {
      return id === INDEX_ID || id.startsWith(RUBRIC_PREFIX) ? `\0${id}` : undefined;
    },
    load(id) {
      if (id === `\0${INDEX_ID}`) return shippedRubricsModule(rubrics);
      if (!id.startsWith(`\0${RUBRIC_PREFIX}`)) return undefined;
      const hex = id.slice(`\0${RUBRIC_PREFIX}`.length).split('/')[0];
      const rubric = rubrics.find((r) => hexOf(r.fingerprint) === hex);
      if (rubric === undefined) throw new Error(`no shipped rubric has the fingerprint sha256:${hex ?? ''}`);
      return shippedRubricModule(rubric);
    },
  };
}
