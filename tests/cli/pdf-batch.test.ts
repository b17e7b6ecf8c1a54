import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toBase64Url, type AuditExport } from '../../src/domain/index';
import { EXIT, verifyCommand } from '../../src/cli/commands/verify';
import { runCli } from '../../src/cli/run-cli';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, imagesOf, sealed } from '../support/sealed-audit';

const dir = mkdtempSync(join(tmpdir(), 'ducha-pdf-batch-'));
const kf01 = loadRubric('KF01');

async function exportOf(site: string): Promise<AuditExport> {
  const audit = finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-mixed') }, { site });
  return {
    format: 'ducha.audit-export',
    version: 1,
    envelope: await sealed(kf01, audit),
    blobs: [...imagesOf()].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: toBase64Url(bytes) })),
  };
}
async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('ducha pdf over many exports', { timeout: 120_000 }, () => {
  it('a directory of exports and another export: one sealed sheet each in --out, each re-made by verify', async () => {
    const exports = join(dir, 'exports');
    mkdirSync(exports);
    writeFileSync(join(exports, 'a.ducha-audit.json'), JSON.stringify(await exportOf('碧桂园凤凰城管理处')));
    writeFileSync(join(exports, 'b.ducha-audit.json'), JSON.stringify(await exportOf('万科·城市花园')));
    writeFileSync(join(exports, 'notes.txt'), 'not an export');
    const single = join(dir, 'c.json');
    writeFileSync(single, JSON.stringify(await exportOf('保利·香槟国际')));
    const out = join(dir, 'sheets');
    const result = await run('pdf', '--audit', exports, '--audit', single, '--out', out);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out.at(-1)).toBe(`3 of 3 sheet(s) written to ${out}`);
    expect(readdirSync(out).sort()).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);
    for (const name of ['a.pdf', 'b.pdf', 'c.pdf']) {
      const lines: string[] = [];
      const code = await verifyCommand(join(out, name), {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
      });
      expect(code, `${name}: ${lines.join('\n')}`).toBe(EXIT.valid);
    }
    // Each sheet is its own audit's: the site names differ.
    expect(readFileSync(join(out, 'a.pdf')).equals(readFileSync(join(out, 'b.pdf')))).toBe(false);
  });

  it('an export that does not match its seal is refused, the others are still written, and the exit is 1', async () => {
    const exports = join(dir, 'mixed');
    mkdirSync(exports);
    writeFileSync(join(exports, 'good.json'), JSON.stringify(await exportOf('碧桂园凤凰城管理处')));
    const bad = await exportOf('万科·城市花园');
    writeFileSync(
      join(exports, 'bad.json'),
      JSON.stringify({
        ...bad,
        blobs: bad.blobs.map((b) => ({ ...b, base64url: toBase64Url(new Uint8Array([1])) })),
      }),
    );
    const out = join(dir, 'mixed-sheets');
    const result = await run('pdf', '--audit', exports, '--out', out);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toContain(
      `${join(exports, 'bad.json')}: refused, the export does not match its seal`,
    );
    expect(readdirSync(out)).toEqual(['good.pdf']);
    expect(result.out.at(-1)).toBe(`1 of 2 sheet(s) written to ${out}`);
  });

  it('two exports of the same name never overwrite each other, and an empty directory is an error', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    mkdirSync(first);
    mkdirSync(second);
    writeFileSync(join(first, 'kf01.json'), JSON.stringify(await exportOf('碧桂园凤凰城管理处')));
    copyFileSync(join(first, 'kf01.json'), join(second, 'kf01.json'));
    const out = join(dir, 'same-name');
    const result = await run('pdf', '--audit', first, '--audit', second, '--out', out);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      `${join(second, 'kf01.json')}: refused, another export already makes ${join(out, 'kf01.pdf')}`,
    ]);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = await run('pdf', '--audit', empty, '--out', join(dir, 'none'));
    expect(none.code).toBe(1);
    expect(none.err).toEqual([`pdf: ${empty}: no audit exports (*.json) in this directory`]);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('one export still makes one file at --out', async () => {
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify(await exportOf('碧桂园凤凰城管理处')));
    const result = await run('pdf', '--audit', file, '--out', join(dir, 'one.pdf'));
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'one.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('--public-url: the sealed sheet names the 验证 page in its footer, still verifies, and a URL that could lead elsewhere is refused', async () => {
    const file = join(dir, 'named.json');
    writeFileSync(file, JSON.stringify(await exportOf('保利·香槟国际')));
    const sheet = join(dir, 'named.pdf');
    const made = await run('pdf', '--audit', file, '--out', sheet, '--public-url', 'https://ducha.example.cn');
    expect([made.code, made.err]).toEqual([0, []]);
    const printed = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', sheet, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(printed).toContain('验证Verify：https://ducha.example.cn/#/verify');
    const lines: string[] = [];
    expect(await verifyCommand(sheet, { out: (l) => lines.push(l), err: (l) => lines.push(l) })).toBe(EXIT.valid);

    const refused = await run('pdf', '--audit', file, '--out', join(dir, 'refused.pdf'), '--public-url', 'https://ducha.example.cn/?next=evil');
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([
      'pdf: --public-url https://ducha.example.cn/?next=evil must be an http(s) address without query, fragment, credentials or trailing slash (e.g. https://ducha.example.com)',
    ]);
    expect(existsSync(join(dir, 'refused.pdf'))).toBe(false);
  });
});
