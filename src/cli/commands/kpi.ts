import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  formatIssue,
  parseRubric,
  rubricFingerprint,
  scoreAudit,
  toHundredths,
  toSealedScore,
  hasMetricUnits,
  readFiguresCsv,
  type Rubric,
} from '../../domain/head-office';
import type { CliIo } from '../io';

export interface KpiImportOptions {
  readonly file: string;
  readonly rubricsDir: string;
  readonly out: string | undefined;
}

/** The rubrics of a folder that have metric units, by id; a bad rubric file stops the import (nothing is read). */
async function kpiRubrics(dir: string, io: CliIo): Promise<Map<string, Rubric> | undefined> {
  const rubrics = new Map<string, Rubric>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    const parsed = parseRubric(JSON.parse(await readFile(join(dir, name), 'utf8')));
    if (!parsed.ok) {
      for (const issue of parsed.issues) io.err(`${join(dir, name)}: ${formatIssue(issue)}`);
      return undefined;
    }
    if (hasMetricUnits(parsed.value)) rubrics.set(parsed.value.id, parsed.value);
  }
  return rubrics;
}

const points = (h: number) => String(h / 100);


/**
 * `ducha kpi import <figures.csv> [--rubrics DIR] [--out months.json]`: reads a month's figures per site, scores
 * each month on its KPI rubric and prints it; with --out writes them (fingerprint, figures and the integer score per
 * unit) whole, through a temporary file. Every bad line is listed with its number and reason and then nothing is
 * written (exit 1): a file is imported whole or not at all.
 */
export async function kpiImportCommand(options: KpiImportOptions, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch {
    io.err(`${options.file}: 无法读取文件`);
    return 1;
  }
  const rubrics = await kpiRubrics(options.rubricsDir, io);
  if (rubrics === undefined) return 1;
  const read = readFiguresCsv(text, rubrics);
  if (!read.ok) {
    for (const issue of read.issues) io.err(`${options.file}:第 ${issue.line} 行:${issue.reason}`);
    io.err(`${read.issues.length} 行有误,未导入任何数值`);
    return 1;
  }
  const months = read.value.map((m) => {
    const rubric = rubrics.get(m.rubricId);
    if (rubric === undefined) throw new Error(`rubric ${m.rubricId} vanished`);
    const answers = Object.fromEntries(Object.entries(m.figures).map(([id, f]) => [id, { figureH: toHundredths(f) }]));
    const score = scoreAudit(rubric, answers);
    return { ...m, rubricFingerprint: rubricFingerprint(rubric), missing: score.missing, score: toSealedScore(score) };
  });
  for (const m of months) {
    const missing = m.missing.length > 0 ? `(未填:${m.missing.join('、')})` : '';
    io.out(`${m.month} ${m.site} ${m.rubricId}: ${points(m.score.earnedH)} / ${points(m.score.possibleH)}${missing}`);
  }
  if (options.out !== undefined) {
    const temporary = `${options.out}.${String(process.pid)}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ format: 'ducha.kpi-months', version: 1, months }, null, 2)}\n`);
    await rename(temporary, options.out);
    io.out(`已导入 ${months.length} 个月度记录 → ${options.out}`);
  }
  return 0;
}
