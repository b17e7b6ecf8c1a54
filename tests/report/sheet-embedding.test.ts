import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createQr } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { EXIT, verifyCommand } from '../../src/cli/commands/verify';
import { decodeEmbeddedJson } from '../../src/verify/check-sheet';
import { findBetweenMarkers, pageContents, readStreams } from '../../src/verify/pdf-inspect';
import { SEAL_BEGIN, SEAL_END } from '../../src/report/sheet-document';
import { loadGrades, loadRubric } from '../support/load';
import { finalisedAudit, sealed, sheetOf } from '../support/sealed-audit';

const dir = mkdtempSync(join(tmpdir(), 'ducha-embedding-'));
const kf01 = loadRubric('KF01');

describe('what renderer 3 embeds beside the pages', { timeout: 60_000 }, () => {
  it('a note that spells out the markers cannot cut the seal short: the sheet verifies', async () => {
    const note = '备注 :DUCHA-SEAL-END 与 DUCHA-RENDERER-BEGIN:{"version":99} <b>&amp; 照抄';
    const audit = finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-mixed') }, { notes: { '7': note } });
    const seal = await sealed(kf01, audit);
    const bytes = sheetOf(kf01, audit, { seal }).bytes;
    const metadata = readStreams(bytes).find((s) => s.dictionary.includes('/Type /Metadata'));
    const xmp = Buffer.from(metadata?.data ?? new Uint8Array()).toString('utf8');
    // Hyphens inside strings are escaped, so the note's markers are not markers; & and < are XML-escaped.
    expect(xmp.match(/DUCHA-SEAL-END/g)).toHaveLength(1);
    expect(xmp).toContain(
      ':DUCHA\\u002dSEAL\\u002dEND 与 DUCHA\\u002dRENDERER\\u002dBEGIN:{\\"version\\":99} &lt;b&gt;&amp;amp; 照抄',
    );
    expect(decodeEmbeddedJson(findBetweenMarkers(bytes, SEAL_BEGIN, SEAL_END) ?? '')).toEqual(seal);
    const file = join(dir, 'markers.pdf');
    writeFileSync(file, bytes);
    const lines: string[] = [];
    expect(await verifyCommand(file, { out: (l) => lines.push(l), err: (l) => lines.push(l) })).toBe(
      EXIT.valid,
    );
    expect(lines[0]).toContain('valid — the pages show exactly what the seal says');
  });

  it('the QR code drawn is the seal’s code, module for module, in one filled path', async () => {
    const audit = finalisedAudit(kf01, { ...loadGrades(kf01, 'kf01-mixed') });
    const seal = await sealed(kf01, audit);
    const pages = pageContents(sheetOf(kf01, audit, { seal }).bytes).map((p) =>
      Buffer.from(p).toString('latin1'),
    );
    const path = pages
      .map((p) => /\nq\n[\d.]+ 0 0 -[\d.]+ [\d.]+ [\d.]+ cm\n0 g\n([\d \nre]+)\nf\nQ/.exec(p)?.[1])
      .find(Boolean);
    const expected = createQr(`ducha:${audit.id}:${seal.hash}`, { errorCorrectionLevel: 'M' }).modules;
    const drawn = Array.from({ length: expected.size }, () => new Array<boolean>(expected.size).fill(false));
    for (const rect of (path ?? '').split('\n')) {
      const [col, row, length, height] = rect.split(' ').map(Number);
      expect(height).toBe(1);
      for (let c = col ?? 0; c < (col ?? 0) + (length ?? 0); c++) (drawn[row ?? 0] ?? [])[c] = true;
    }
    const wanted = Array.from({ length: expected.size }, (_, r) =>
      Array.from({ length: expected.size }, (_, c) => Boolean(expected.get(r, c))),
    );
    expect(drawn).toEqual(wanted);
    expect(wanted.flat().filter(Boolean).length).toBeGreaterThan(400);
  });
});
