import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Audit, CallTiming } from '../../src/domain/index';
import { verifyCommand } from '../../src/cli/commands/verify';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, sealed, sheetOf } from '../support/sealed-audit';

const kf01 = loadRubric('KF01');
const timing: CallTiming = {
  version: 1,
  dialledAt: '2026-11-24T02:30:00.000Z',
  answeredAt: '2026-11-24T02:30:08.250Z',
  hungUpAt: '2026-11-24T02:30:53.290Z',
  rings: 2,
};
const withTiming = (audit: Audit): Audit => ({
  ...audit,
  answers: audit.answers.map((a) => (a.unitId === '3' ? { ...a, timing } : a)),
});

const textOf = (bytes: Uint8Array): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'ducha-timing-')), 'sheet.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(
    /\s+/g,
    '',
  );
};

describe('the call timing on the score sheet', { timeout: 30_000 }, () => {
  it('prints under item 3 with the threshold, and the sealed sheet verifies', async () => {
    const audit = withTiming(finalisedAudit(kf01, loadGrades(kf01, 'kf01-all-compliant')));
    const seal = await sealed(kf01, audit);
    const sheet = sheetOf(kf01, audit, { seal });
    expect(textOf(sheet.bytes)).toContain(
      '铃响三声内接听计时:接通用时8.3秒;通话45.0秒;铃响2声(标准:铃响3声内接听)',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'ducha-timing-')), 'sealed.pdf');
    writeFileSync(file, sheet.bytes);
    const out: string[] = [];
    expect(await verifyCommand(file, { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
  });

  it('a sheet without timing is byte for byte what it was (the timing adds a line only when there is one)', () => {
    const audit = finalisedAudit(kf01, loadGrades(kf01, 'kf01-all-compliant'));
    const plain = sheetOf(kf01, audit);
    const empty = sheetOf(kf01, {
      ...audit,
      answers: audit.answers.map((a) => (a.unitId === '3' ? { ...a, timing: { version: 1 } } : a)),
    });
    expect(textOf(plain.bytes)).not.toContain('计时');
    // An empty record prints nothing; the text drawn is the same (bytes differ only by the file id from content).
    expect(textOf(empty.bytes)).toBe(textOf(plain.bytes));
  });
});
