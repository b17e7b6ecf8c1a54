// The apps every browser part of `npm run bench` measures: Ducha's production build and the SurveyJS app
// (the same KF02 form), built once into a temp dir and served in this process on one port, so nothing is
// left running: the server closes with the process's own handle, and the port is checked free afterwards.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { build, preview, type Plugin, type PreviewServer } from 'vite';
import { parseRubric } from '../../src/domain/index';
import { rubricAsSurvey } from '../first-load/kf02-survey';

const root = join(import.meta.dirname, '..', '..');

/** The SurveyJS app imports its survey definition from here: made from the rubric once, at build time. */
function kf02SurveyModule(): Plugin {
  const kf02 = parseRubric(JSON.parse(readFileSync(join(root, 'rubrics', 'KF02.json'), 'utf8')));
  if (!kf02.ok) throw new Error('rubrics/KF02.json is not a valid rubric: run npm run ducha -- validate');
  const survey = rubricAsSurvey(kf02.value);
  return {
    name: 'kf02-survey',
    resolveId: (id) => (id === 'virtual:kf02-survey' ? '\0kf02-survey' : undefined),
    load: (id) => (id === '\0kf02-survey' ? `export default ${JSON.stringify(survey)};` : undefined),
  };
}

/** Ducha into `out`, SurveyJS into `out/surveyjs` (served under /surveyjs/). */
export async function buildApps(out: string): Promise<void> {
  await build({ root, logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  await build({
    configFile: false,
    root: join(root, 'bench', 'surveyjs-app'),
    base: '/surveyjs/',
    publicDir: false,
    logLevel: 'error',
    plugins: [kf02SurveyModule()],
    build: { outDir: join(out, 'surveyjs'), emptyOutDir: true, target: 'es2022' },
  });
}

export async function serveApps(out: string, port: number): Promise<PreviewServer> {
  return preview({
    root,
    logLevel: 'warn',
    build: { outDir: out },
    preview: { host: '127.0.0.1', port, strictPort: true },
  });
}

/** Whether nothing listens on the port any more: binding it must succeed. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen(port, '127.0.0.1', () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}
