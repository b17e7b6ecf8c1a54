import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditExportSchema, gradesOf } from '../../src/domain/index';
import { EXIT, verifyCommand } from '../../src/cli/commands/verify';
import { REPRODUCIBLE_RENDERER_VERSIONS, SHEET_RENDERER_VERSION } from '../../src/report/sheet-record';
import { repoRoot } from '../support/load';

const golden = (name: string): string => join(repoRoot, 'tests', 'fixtures', 'sheets', name);
const exportOf = (name: string) => auditExportSchema.parse(JSON.parse(readFileSync(golden(name), 'utf8')));

/**
 * Sheets already handed out are checked by re-making them. A renderer whose output changes without a new
 * SHEET_RENDERER_VERSION would make every earlier sheet look tampered. These golden sheets, each made by
 * the renderer of its version and never regenerated, fail here first: bump the version (earlier sheets
 * then say "cannot check", never "tampered") or keep the old output reproducible.
 */
describe('sheets made by earlier renderer versions', { timeout: 60_000 }, () => {
  it.each([
    { version: 2, pdf: 'kf3-renderer-v2.pdf' },
    { version: 3, pdf: 'kf3-renderer-v3.pdf' },
  ])(
    'a version-$version sheet is re-made byte for byte while version $version is reproducible, and never called tampered',
    async ({ version, pdf }) => {
      const lines: string[] = [];
      const code = await verifyCommand(golden(pdf), { out: (l) => lines.push(l), err: (l) => lines.push(l) });
      if (REPRODUCIBLE_RENDERER_VERSIONS.includes(version)) {
        expect(lines.join('\n')).toContain(
          `valid — the pages show exactly what the seal says (re-made byte for byte by renderer version ${String(version)})`,
        );
        expect(code).toBe(EXIT.valid);
      } else {
        expect(code).toBe(EXIT.cannotCheck);
      }
      expect(SHEET_RENDERER_VERSION).toBeGreaterThanOrEqual(version);
    },
  );

  it('the version-2 sheet prints Shanghai time unnamed; the version-3 sheet names its zone (Asia/Urumqi)', () => {
    const text = (pdf: string) =>
      execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', golden(pdf), '-'], { encoding: 'utf8' }).replace(
        /\s+/g,
        '',
      );
    // Both sealed 2026-11-24T02:30Z: 10:30 in Shanghai (renderer 2 printed the date only), 08:30 in Urumqi.
    expect(text('kf3-renderer-v2.pdf')).toContain('考核时间:2026年11月24日督办记录表KF3');
    expect(text('kf3-renderer-v2.pdf')).toContain('签署时间:2026年11月24日10:30被考核单位负责人');
    expect(text('kf3-renderer-v2.pdf')).not.toContain('UTC');
    const v3 = text('kf3-renderer-v3.pdf');
    expect(v3).toContain('考核时间:2026年11月24日08:30(Asia/Urumqi,UTC+06:00)');
    expect(v3).toContain('签章时间2026年11月24日08:30(Asia/Urumqi,UTC+06:00)');
    expect(v3).toContain('被考核单位:乌鲁木齐·燊园管理处');
  });

  it('keeps their audit exports, so each sheet can always be re-made with `ducha pdf --audit`', () => {
    for (const file of ['kf3-renderer-v2.ducha-audit.json', 'kf3-renderer-v3.ducha-audit.json']) {
      const { envelope } = exportOf(file);
      // kf3-mixed-cap-not-hit under 扣完为止: 二 = 27.2/40, total 115.2 of 157.
      expect([envelope.payload.score.earnedH, envelope.payload.score.possibleH], file).toEqual([
        11520, 15700,
      ]);
      expect(Object.keys(gradesOf(envelope.payload.audit.answers)), file).toHaveLength(35);
    }
    // The version-3 sheet carries a portrait photo beside a landscape one.
    expect(
      exportOf('kf3-renderer-v3.ducha-audit.json')
        .blobs.map((b) => b.id)
        .sort(),
    ).toEqual(['photo-1', 'photo-portrait', 'sig-auditor', 'sig-manager']);
  });
});
