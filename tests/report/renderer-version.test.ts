import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditExportSchema, gradesOf } from '../../src/domain/index';
import { EXIT, verifyCommand } from '../../src/cli/commands/verify';
import { REPRODUCIBLE_RENDERER_VERSIONS, SHEET_RENDERER_VERSION } from '../../src/report/sheet-record';
import { repoRoot } from '../support/load';

/**
 * Sheets already handed out are checked by re-making them. A renderer whose output changes without a new
 * SHEET_RENDERER_VERSION would make every earlier sheet look tampered. This golden sheet, made by
 * renderer version 2 and never regenerated, fails here first: bump the version (earlier sheets then say
 * "cannot check", never "tampered") or keep the old output reproducible.
 */
describe('sheets made by earlier renderer versions', { timeout: 60_000 }, () => {
  const pdf = join(repoRoot, 'tests', 'fixtures', 'sheets', 'kf3-renderer-v2.pdf');

  it('a version-2 sheet is re-made byte for byte while version 2 is reproducible, and never called tampered', async () => {
    const lines: string[] = [];
    const code = await verifyCommand(pdf, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    if (REPRODUCIBLE_RENDERER_VERSIONS.includes(2)) {
      expect(lines.join('\n')).toContain('valid — the pages show exactly what the seal says');
      expect(code).toBe(EXIT.valid);
    } else {
      expect(code).toBe(EXIT.cannotCheck);
    }
    expect(SHEET_RENDERER_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('keeps its audit export, so the sheet can always be re-made with `ducha pdf --audit`', () => {
    const file = auditExportSchema.parse(
      JSON.parse(
        readFileSync(
          join(repoRoot, 'tests', 'fixtures', 'sheets', 'kf3-renderer-v2.ducha-audit.json'),
          'utf8',
        ),
      ),
    );
    // kf3-mixed-cap-not-hit under 扣完为止: 二 = 27.2/40, total 115.2 of 157.
    expect([file.envelope.payload.score.earnedH, file.envelope.payload.score.possibleH]).toEqual([
      11520, 15700,
    ]);
    expect(Object.keys(gradesOf(file.envelope.payload.audit.answers))).toHaveLength(35);
  });
});
