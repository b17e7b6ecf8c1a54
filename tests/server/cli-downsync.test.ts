import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli';
import type { CliIo } from '../../src/cli/io';
import { useBackend } from './support/backends';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line) };
}

describe('ducha server sites / rubrics publish on the embedded database', () => {
  const backend = useBackend('PGlite');

  it('sets and lists sites, publishes a rubric once, and says what is wrong in a bad one', async () => {
    const { dataDir } = await backend.freshConfig();
    const at = ['--data-dir', dataDir];
    const set = capture();
    expect(await runCli(['server', 'sites', 'set', ' sz-001 ', '--name', '碧桂园凤凰城管理处', '--region', '华南', '--manager', 'zhang', ...at], set)).toBe(0);
    expect(set.lines[0]).toMatch(/^SZ-001 碧桂园凤凰城管理处: saved/);
    const empty = capture();
    expect(await runCli(['server', 'sites', 'set', 'SZ-002', '--name', ' ', ...at], empty)).toBe(1);
    expect(empty.errors).toEqual(['server sites set: name: 请填写管理处名称 (name is required)']);
    const list = capture();
    expect(await runCli(['server', 'sites', 'list', ...at], list)).toBe(0);
    expect(list.lines).toEqual(['SZ-001\t碧桂园凤凰城管理处\t华南\tzhang']);

    const first = capture();
    expect(await runCli(['server', 'rubrics', 'publish', 'rubrics/KF02.json', ...at], first)).toBe(0);
    expect(first.lines[0]).toMatch(/^KF02 .* sha256:[0-9a-f]{64}: published/);
    const again = capture();
    expect(await runCli(['server', 'rubrics', 'publish', 'rubrics/KF02.json', ...at], again)).toBe(0);
    expect(again.lines[0]).toMatch(/already published, nothing changed$/);
    const missing = capture();
    expect(await runCli(['server', 'rubrics', 'publish', 'no-such.json', ...at], missing)).toBe(1);
    expect(missing.errors).toEqual(['no-such.json: (file): file not found']);
  }, 120_000);
});
