import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/load';

// The project's real eslint.config.js, with type information switched off so snippets can be linted
// in memory; only the boundary rules are looked at.
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-globals',
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('import boundaries (npm run lint)', () => {
  it.each([
    ["import { useState } from 'react';", /no React, Dexie/],
    ["import Dexie from 'dexie';", /no React, Dexie/],
    ["import { jsPDF } from 'jspdf';", /no React, Dexie/],
    ["import { readFile } from 'node:fs';", /Node modules/],
    ["import { db } from '../storage/db';", /outer layers/],
    ["import { App } from '../app/App';", /outer layers/],
    ["import { startServer } from '../server/start-server';", /outer layers/],
    ['export const t = document.title;', /no DOM globals/],
    ['export const s = localStorage.length;', /no DOM globals/],
  ])('src/domain refuses %s', async (code, message) => {
    const errors = await boundaryErrors('src/domain/probe.ts', code);
    expect(errors.join('\n')).toMatch(message);
  });

  it('src/domain may import zod and its own modules', async () => {
    expect(
      await boundaryErrors('src/domain/probe.ts', "import { z } from 'zod';\nimport { ok } from './result';"),
    ).toEqual([]);
  });

  it('a feature never imports another feature, but may use shared app code', async () => {
    const file = 'src/app/features/scoring/probe.ts';
    expect(
      (await boundaryErrors(file, "import { ReviewPage } from '../review/ReviewPage';")).join('\n'),
    ).toMatch(/Features never import each other/);
    expect(await boundaryErrors(file, "import { useAudit } from '../../hooks/use-audit';")).toEqual([]);
    expect(await boundaryErrors(file, "import { x } from '../../../domain/rubric/rubric-tree';")).toEqual([
      expect.stringMatching(/only through src\/domain\/index.ts/),
    ]);
  });

  it('outer layers reach the domain only through its index', async () => {
    expect(await boundaryErrors('src/cli/probe.ts', "import { ok } from '../domain/result';")).toEqual([
      expect.stringMatching(/only through src\/domain\/index.ts/),
    ]);
    expect(await boundaryErrors('src/cli/probe.ts', "import { ok } from '../domain/index';")).toEqual([]);
    expect(await boundaryErrors('src/server/probe.ts', "import { ok } from '../domain/result';")).toEqual([
      expect.stringMatching(/only through src\/domain\/index.ts/),
    ]);
  });
});
