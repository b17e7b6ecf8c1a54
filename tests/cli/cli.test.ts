import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli';
import { repoRoot } from '../support/load';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = mkdtempSync(join(tmpdir(), 'ducha-cli-'));
const rubric = (id: string) => join(repoRoot, 'rubrics', `${id}.json`);
const answers = (name: string) => join(repoRoot, 'tests', 'fixtures', 'answers', `${name}.json`);
function writeTmp(name: string, content: unknown): string {
  const file = join(tmp, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('ducha validate', () => {
  it('accepts the shipped rubrics', async () => {
    const r = await run('validate', rubric('KF01'), rubric('KF02'), rubric('KF3'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('KF3.json: ok (KF3, 5 items, 170 points)');
  });

  it('refuses a broken copy, naming file and path', async () => {
    const kf02: unknown = JSON.parse(readFileSync(rubric('KF02'), 'utf8'));
    const broken = JSON.stringify(kf02).replace('"points":12', '"points":13');
    const file = writeTmp('broken.json', broken);
    const r = await run('validate', rubric('KF01'), file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${file}: items[0].points: item "1" has 13 points but its children's points sum to 12`,
    );
  });

  it('refuses a file that is not JSON and a file that does not exist', async () => {
    const file = writeTmp('not-json.json', '{ "version": 1,');
    const r = await run('validate', file, join(tmp, 'nope.json'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`${file}: \\(root\\): not valid JSON`));
    expect(r.err).toContain(`${join(tmp, 'nope.json')}: (file): file not found`);
  });

  it('needs at least one file', async () => {
    expect((await run('validate')).code).toBe(1);
  });
});

describe('ducha score', () => {
  it('prints the JSON summary with every node', async () => {
    const r = await run(
      'score',
      '--rubric',
      rubric('KF3'),
      '--answers',
      answers('kf3-mixed-cap-not-hit'),
      '--json',
    );
    expect(r.code).toBe(0);
    const summary: unknown = JSON.parse(r.out);
    expect(summary).toMatchObject({
      rubric: 'KF3',
      earned: 115.2,
      possible: 157,
      percent: 73.4,
      complete: true,
      missing: [],
    });
    expect(summary).toHaveProperty(
      'items',
      expect.arrayContaining([{ id: '2', earned: 27.2, possible: 40 }]),
    );
    expect(r.out).not.toMatch(/\d\.\d{3,}/); // no float noise anywhere
  });

  it('prints a Chinese table with the 合计 line', async () => {
    const r = await run('score', '--rubric', rubric('KF02'), '--answers', answers('kf02-mixed'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('督办记录表KF02');
    expect(r.out).toMatch(/服务形象\s+9\.6\s+12\s+12/);
    expect(r.out).toContain('合计  得分 47.2 / 可得分 65  得分率 72.6%  已全部评分');
  });

  it('shows the cap and incomplete audits in the table', async () => {
    const capped = await run('score', '--rubric', rubric('KF3'), '--answers', answers('kf3-cap-hit'));
    expect(capped.out).toMatch(/二\s+装修服务\s+扣完为止 −3\.6\s+36\.4\s+40\s+40/);
    const partial = await run('score', '--rubric', rubric('KF01'), '--answers', answers('kf01-incomplete'));
    expect(partial.out).toContain('未完成,未评 7 项:2, 3, 5, 6, 8, 9, 10');
  });

  it.each([
    [{ rubric: 'KF01', grades: { '11': 'compliant' } }, 'grades["11"]: unknown unit id "11"'],
    [{ rubric: 'KF02', grades: { '1': 'compliant' } }, 'grades["1"]: "1" is not a graded unit'],
    [{ rubric: 'KF01', grades: { '1': 'good' } }, 'grades["1"]: unknown grade "good"'],
  ])('refuses bad answers %j', async (bad, message) => {
    const id = bad.rubric;
    const file = writeTmp(`bad-${id}.json`, bad);
    const r = await run('score', '--rubric', rubric(id), '--answers', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}: ${message}`);
  });

  it('refuses missing or unknown flags', async () => {
    expect((await run('score', '--rubric', rubric('KF01'))).err).toContain('--answers <file> is required');
    expect((await run('score', '--rubric', rubric('KF01'), '--answer', 'x')).code).toBe(1);
  });
});

describe('npm run ducha (the command the README names)', () => {
  it('exits 0 on valid rubrics and 1 on a broken one', () => {
    const okRun = spawnSync('npm', ['run', '-s', 'ducha', '--', 'validate', 'rubrics/KF01.json'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(okRun.status).toBe(0);
    const broken = writeTmp(
      'broken-points.json',
      readFileSync(rubric('KF01'), 'utf8').replace('"points": 25', '"points": -25'),
    );
    const bad = spawnSync('npm', ['run', '-s', 'ducha', '--', 'validate', broken], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${broken}: items[6].points: points must be greater than 0`);
  });

  it('scores an answers file', () => {
    const out = execFileSync(
      'npm',
      [
        'run',
        '-s',
        'ducha',
        '--',
        'score',
        '--rubric',
        'rubrics/KF01.json',
        '--answers',
        answers('kf01-mixed'),
        '--json',
      ],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toMatchObject({ earned: 63, possible: 95, percent: 66.3 });
  });
});
