import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  keyFingerprint,
  keyId,
  sealAudit,
  type Audit,
  type Grade,
  type SealedEnvelope,
} from '../../src/domain/index';
import { EXIT, verifyCommand, type VerifyOptions } from '../../src/cli/commands/verify';
import { decodeEmbeddedJson } from '../../src/verify/check-sheet';
import { runCli } from '../../src/cli/run-cli';
import { DEFAULT_FALLBACK_FONT, SYSTEM_FALLBACK_FONT } from '../../src/verify/sheet-fonts';
import {
  fontIdentity,
  RENDERER_BEGIN,
  RENDERER_END,
  rendererRecordSchema,
} from '../../src/report/sheet-record';
import { extractFontFromCollection } from '../../src/report/ttc';
import { loadGrades, loadRubric, repoRoot } from '../support/load';
import { finalisedAudit, imagesOf, nodeSigner, sealed, sheetOf } from '../support/sealed-audit';
import { appendPageOverlay, metadataStream, replaceStreamData } from './pdf-edit';

const dir = mkdtempSync(join(tmpdir(), 'ducha-pdf-attacks-'));
let n = 0;
function save(bytes: Uint8Array, name = `sheet-${String(++n)}.pdf`): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}
async function verify(file: string, options?: VerifyOptions): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
  const code = await verifyCommand(file, io, options);
  return { code, out: out.join('\n') };
}
/** What poppler shows, whitespace removed: proof that an attack really changes what a reader sees. */
const printed = (file: string, page?: number): string =>
  execFileSync(
    'pdftotext',
    [...(page ? ['-f', String(page), '-l', String(page)] : []), '-raw', '-enc', 'UTF-8', file, '-'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  ).replace(/\s+/g, '');
/** Share of non-white pixels on a page as poppler draws it (greyscale PGM at 20 dpi). */
function inkOf(file: string, page: number): number {
  const pgm = execFileSync('pdftoppm', ['-f', String(page), '-l', String(page), '-r', '20', '-gray', file], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header?.[0] || !header[1] || !header[2]) throw new Error('pdftoppm did not write a PGM');
  const pixels = pgm.subarray(header[0].length);
  return pixels.filter((v) => v < 200).length / pixels.length;
}
const withoutSpaces = (text: string): string => text.replace(/\s+/g, '');
/** JSON as renderer 3 embeds it in the XMP block (no &, < or > here to escape), for a forger's edited record. */
const asEmbedded = (value: unknown): string => JSON.stringify(value);

const kf01 = loadRubric('KF01');
const kf3 = loadRubric('KF3');
const grades = (rubric: typeof kf01, name: string): Record<string, Grade | undefined> => ({
  ...loadGrades(rubric, name),
});
const wqy = existsSync(DEFAULT_FALLBACK_FONT)
  ? {
      name: 'CJK-fallback',
      bytes: extractFontFromCollection(new Uint8Array(readFileSync(DEFAULT_FALLBACK_FONT))),
    }
  : undefined;

// kf01-mixed: 10 + 8 + 3 + 0 + 8 + 6 + 20 + 5 + 不适用 + 3 = 63 of 95 → 66.3 %; a photo on unit 7.
const audit = finalisedAudit(kf01, grades(kf01, 'kf01-mixed'), {
  notes: { '7': '未复述客户诉求要点' },
  photoUnit: '7',
});
let seal: SealedEnvelope;
let genuine: Uint8Array;
beforeAll(async () => {
  seal = await sealed(kf01, audit);
  genuine = sheetOf(kf01, audit, { seal }).bytes;
}, 30_000);

describe('f. an untouched sheet', { timeout: 60_000 }, () => {
  it('is valid (exit 0) and prints the sealed values to hold against the paper', async () => {
    const result = await verify(save(genuine));
    expect(result.code).toBe(EXIT.valid);
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(
      /: valid — the pages show exactly what the seal says \(re-made byte for byte by renderer version 4\)$/,
    );
    const value = (label: string) =>
      lines
        .find((l) => l.trimStart().startsWith(label))
        ?.trimStart()
        .slice(label.length)
        .trim();
    expect(value('site 被考核单位')).toBe('碧桂园凤凰城管理处');
    expect(value('考核时间')).toBe('2026年11月24日 10:30 (Asia/Shanghai, UTC+08:00) = 2026-11-24T02:30:00.000Z');
    expect(value('auditor 考核人')).toBe('王小明');
    expect(value('revision 修订')).toBe('1');
    expect(value('signer key')).toBe(
      `${keyFingerprint(seal.payload.publicKey)} — not checked against a key register`,
    );
    expect(value('sealed at')).toBe('2026年11月24日 10:30 (Asia/Shanghai, UTC+08:00) = 2026-11-24T02:30:00.000Z');
    expect(value('score 合计')).toBe('63 / 95 (66.3%)');
    expect(value('rubric')).toBe(`KF01 ${audit.rubricFingerprint}`);
    expect(value('seal hash')).toBe(seal.hash);
  });

  it('names the signer as a key register does, through the describeSigner seam', async () => {
    const seen: string[] = [];
    const result = await verify(save(genuine), {
      describeSigner: (fingerprint) => {
        seen.push(fingerprint);
        return 'enrolled as 平板3 · 王小明';
      },
    });
    expect(seen).toEqual([keyFingerprint(seal.payload.publicKey)]);
    expect(result.out).toContain(`${keyFingerprint(seal.payload.publicKey)} — enrolled as 平板3 · 王小明`);
  });

  it('an amended revision prints its reason and the seal it corrects', async () => {
    const amended: Audit = {
      ...audit,
      revision: 2,
      previousId: audit.id,
      amendReason: '补充照片',
    };
    const blobs = new Map([...imagesOf()].map(([id, bytes]) => [id, { bytes, type: 'image/jpeg' }]));
    const next = await sealAudit(
      { audit: amended, rubric: kf01, blobs, previousHash: seal.hash, sealedAt: '2026-11-25T01:00:00.000Z' },
      await nodeSigner(),
    );
    if (!next.ok) throw new Error(JSON.stringify(next.issues));
    const result = await verify(save(sheetOf(kf01, amended, { seal: next.value }).bytes));
    expect(result.code).toBe(EXIT.valid);
    expect(result.out).toMatch(
      new RegExp(`\\n  revision 修订 +2 — amended: 补充照片 — corrects seal ${seal.hash}\\n`),
    );
  });

  it('valid only when the key register names the signer; a forged re-seal is never valid', async () => {
    const file = save(genuine);
    // No register entry: the pages are intact, but that proves only that *some* key signed.
    const unknown = await verify(file, { register: [] });
    expect(unknown.code).toBe(EXIT.cannotCheck);
    expect(unknown.out).toContain('intact, signer not enrolled (待确认签名)');
    expect(unknown.out).not.toMatch(/: valid —/);
    // Enrolled (as the server's register holds it): valid, naming the device and auditor.
    const entry = {
      version: 1 as const,
      keyId: keyId(seal.payload.publicKey),
      publicKey: seal.payload.publicKey,
      deviceLabel: '前台平板 3',
      auditor: '王小明',
      enrolledAt: '2026-11-01T00:00:00.000Z',
    };
    const valid = await verify(file, { register: [entry] });
    expect(valid.code).toBe(EXIT.valid);
    expect(valid.out).toContain('valid — the pages show exactly what the seal says');
    expect(valid.out).toMatch(/signer key +[0-9a-f ]{19} — 前台平板 3 \/ 王小明 \(enrolled 2026-11-01T00:00:00.000Z\)/);
    // Every grade made 符合 and re-sealed with a fresh key, the sheet made from that: never valid.
    const forgedAudit = { ...audit, answers: audit.answers.map((a) => ({ ...a, grade: a.grade === 'na' ? a.grade : ('compliant' as const) })) };
    const forgedSeal = await sealed(kf01, forgedAudit);
    const forged = await verify(save(sheetOf(kf01, forgedAudit, { seal: forgedSeal }).bytes), { register: [entry] });
    expect(forged.code).toBe(EXIT.cannotCheck);
    expect(forged.out).toContain(`key ${keyFingerprint(forgedSeal.payload.publicKey)} is not in the key register`);
    // The genuine key revoked before this seal was made: refused.
    const revoked = await verify(file, { register: [{ ...entry, revokedAt: '2026-11-01T00:00:00.000Z' }] });
    expect(revoked.code).toBe(EXIT.tampered);
    expect(revoked.out).toMatch(/refused — sealed on .* which was revoked on 2026-11-01T00:00:00.000Z/);
  });

  it('through the CLI with no head office named: intact, but the signer is unknown and it says how to ask (exit 3)', async () => {
    const out: string[] = [];
    const code = await runCli(['verify', save(genuine)], { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(EXIT.cannotCheck);
    expect(out.join('\n')).toMatch(/intact, signer unknown — .* name head office to learn who signed: --server <its URL>/);
  });
});

describe('a. an incremental update appended to a genuine sheet', { timeout: 60_000 }, () => {
  it('paints page 1 white and writes a new total: poppler shows it, verify refuses it as appended', async () => {
    const overlay =
      'q 1 1 1 rg 0 0 595.28 841.89 re f Q BT /FAttack 28 Tf 0 0 0 rg 60 700 Td (FORGED 95/95 100%) Tj ET';
    const forged = appendPageOverlay(genuine, 1, overlay);
    expect(Buffer.from(forged.subarray(0, genuine.length)).equals(Buffer.from(genuine))).toBe(true);
    const original = save(genuine, 'a-original.pdf');
    const file = save(forged, 'a-white-page.pdf');
    // The attack is real: a reader now shows a white page 1 with only the forged total on it.
    expect(printed(file, 1)).toContain('FORGED95/95100%');
    expect(printed(original, 1)).not.toContain('FORGED');
    expect(inkOf(original, 1)).toBeGreaterThan(0.05);
    expect(inkOf(file, 1)).toBeLessThan(0.02);
    expect(printed(file, 2)).toBe(printed(original, 2));

    const result = await verify(file);
    expect(result.code).toBe(EXIT.tampered);
    expect(result.out).toBe(
      `${file}: tampered — appended: the PDF was changed after it was made (${String(forged.length - genuine.length)} bytes appended after the sheet; a PDF reader shows them: page 1 of 2 differs)`,
    );
  });

  it('even a single appended byte is refused', async () => {
    const file = save(new Uint8Array([...genuine, 0x0a]));
    const result = await verify(file);
    expect(result.code).toBe(EXIT.tampered);
    expect(result.out).toContain(
      'tampered — appended: the PDF was changed after it was made (1 bytes appended after the sheet)',
    );
  });
});

describe('b. a re-render from another audit with the genuine seal embedded', { timeout: 60_000 }, () => {
  it.each([
    {
      what: 'another 考核时间',
      change: (a: Audit): Audit => ({ ...a, auditedAt: '2026-11-20T02:30:00.000Z' }),
      shows: '考核时间:2026年11月20日10:30(Asia/Shanghai,UTC+08:00)',
      // The date is printed once, in the page 1 header.
      pages: 'page 1 of 2 differs',
    },
    {
      what: 'another audit id',
      change: (a: Audit): Audit => ({ ...a, id: '00000000-0000-4000-8000-000000000001' }),
      shows: '考核编号00000000-0000-4000-8000-000000000001',
      // The id is in the footer of every page and in the QR code.
      pages: 'pages 1, 2 of 2 differ',
    },
    {
      what: 'another revision',
      change: (a: Audit): Audit => ({ ...a, revision: 3 }),
      shows: '修订3',
      pages: 'pages 1, 2 of 2 differ',
    },
  ])('$what: refused, naming the pages that differ', async ({ change, shows, pages }) => {
    const file = save(sheetOf(kf01, change(audit), { seal }).bytes);
    expect(printed(file)).toContain(shows);
    const result = await verify(file);
    expect(result.code).toBe(EXIT.tampered);
    expect(result.out).toBe(`${file}: tampered — pages: the pages do not show what the seal says (${pages})`);
  });
});

describe('c. grades swapped between two sub-items of equal points', { timeout: 60_000 }, () => {
  it('KF3 2.2 and 2.3 (6 points each): same totals, refused', async () => {
    const kf3Grades = grades(kf3, 'kf3-mixed-cap-not-hit');
    expect([kf3Grades['2.2'], kf3Grades['2.3']]).toEqual(['mostly', 'partly']);
    const kf3Audit = finalisedAudit(kf3, kf3Grades);
    const kf3Seal = await sealed(kf3, kf3Audit);
    const swapped: Audit = {
      ...kf3Audit,
      answers: kf3Audit.answers.map((a) =>
        a.unitId === '2.2' ? { ...a, grade: 'partly' } : a.unitId === '2.3' ? { ...a, grade: 'mostly' } : a,
      ),
    };
    const genuineKf3 = save(sheetOf(kf3, kf3Audit, { seal: kf3Seal }).bytes);
    const file = save(sheetOf(kf3, swapped, { seal: kf3Seal }).bytes);
    // Same 合计 on both: the swap is invisible to a totals check. 6 × 0.8 = 4.8 and 6 × 0.6 = 3.6 trade places.
    const total = /合计170([\d.]+\/[\d.]+得分率[\d.]+%)/;
    expect(total.exec(printed(file))?.[1]).toBe(total.exec(printed(genuineKf3))?.[1]);
    expect(printed(genuineKf3)).toContain('64.8基本符合2.33、');
    expect(printed(file)).toContain('63.6一般符合2.33、');
    expect(await verify(genuineKf3)).toMatchObject({ code: EXIT.valid });
    const result = await verify(file);
    expect(result.code).toBe(EXIT.tampered);
    expect(result.out).toBe(
      `${file}: tampered — pages: the pages do not show what the seal says (page 1 of 3 differs)`,
    );
  });
});

describe('d. rare characters and □', { timeout: 60_000 }, () => {
  const site = '碧桂园·燊城管理处';
  const rareAudit = finalisedAudit(kf01, grades(kf01, 'kf01-all-compliant'), { site });
  let rareSeal: SealedEnvelope;
  beforeAll(async () => {
    rareSeal = await sealed(kf01, rareAudit);
  });

  it.runIf(wqy)(
    'made with the fallback font, re-drawn without it (□) under the genuine record: refused',
    async () => {
      if (!wqy) return;
      const withFallback = sheetOf(kf01, rareAudit, { seal: rareSeal, fallback: wqy });
      expect(withFallback.usedFallbackFont).toBe(true);
      const boxed = sheetOf(kf01, rareAudit, { seal: rareSeal });
      expect(boxed.missingCharacters).toEqual(['燊']);
      // The forger keeps the genuine XMP (seal and renderer record naming the fallback font) on the □ pages.
      const forged = replaceStreamData(
        boxed.bytes,
        metadataStream(boxed.bytes).objectNumber,
        metadataStream(withFallback.bytes).data,
      );
      const genuineFile = save(withFallback.bytes, 'd-genuine.pdf');
      const file = save(forged, 'd-boxed.pdf');
      expect(printed(genuineFile)).toContain('被考核单位:碧桂园·燊城管理处');
      expect(printed(file)).toContain('被考核单位:碧桂园·□城管理处');
      expect(await verify(genuineFile)).toMatchObject({ code: EXIT.valid });
      const result = await verify(file);
      expect(result.code).toBe(EXIT.tampered);
      expect(result.out).toBe(
        `${file}: tampered — pages: the pages do not show what the seal says (page 1 of 1 differs)`,
      );
    },
  );

  it('□ in place of a character the font has (凤凰□, □符合): refused', async () => {
    const boxedSite = save(
      sheetOf(kf01, { ...audit, site: { ...audit.site, name: '碧桂园凤凰□管理处' } }, { seal }).bytes,
    );
    expect(printed(boxedSite)).toContain('碧桂园凤凰□管理处');
    expect(await verify(boxedSite)).toMatchObject({ code: EXIT.tampered });
    const boxedAuditor = save(sheetOf(kf01, { ...audit, auditor: '王□明' }, { seal }).bytes);
    expect((await verify(boxedAuditor)).out).toContain(
      'tampered — pages: the pages do not show what the seal says (page 1 of 2 differs)',
    );
  });

  it('drawn honestly without the fallback, as the browser does: valid, □ listed on the page, the real name printed by verify', async () => {
    const file = save(sheetOf(kf01, rareAudit, { seal: rareSeal }).bytes);
    expect(printed(file)).toContain('被考核单位:碧桂园·□城管理处');
    expect(printed(file)).toContain('U+71CA');
    const result = await verify(file);
    expect(result.code).toBe(EXIT.valid);
    expect(result.out).toMatch(/site 被考核单位\s+碧桂园·燊城管理处\n/);
  });

  it.runIf(existsSync(SYSTEM_FALLBACK_FONT))(
    'drawn with a fallback font this machine does not have: cannot check (exit 3), naming the font',
    async () => {
      // The second face of Debian's collection (Micro Hei Mono): it draws 燊, but it is not the bundled fallback.
      const mono = {
        name: 'WenQuanYi-Mono',
        bytes: extractFontFromCollection(new Uint8Array(readFileSync(SYSTEM_FALLBACK_FONT)), 1),
      };
      const file = save(sheetOf(kf01, rareAudit, { seal: rareSeal, fallback: mono }).bytes);
      expect(printed(file)).toContain('碧桂园·燊城管理处');
      const result = await verify(file);
      expect(result.code).toBe(EXIT.cannotCheck);
      expect(result.out).toBe(
        `${file}: cannot check — font "WenQuanYi-Mono" (sha256 ${fontIdentity(mono).sha256}) is not installed here; install it, or re-make the sheet from the audit export with \`ducha pdf --audit <export> --out sheet.pdf\``,
      );
    },
  );
});

describe('e. sheets this verifier cannot re-make', { timeout: 60_000 }, () => {
  it('the legacy sheet made by the released code (no renderer version): cannot check, exit 3, not valid', async () => {
    const file = join(repoRoot, 'tests', 'fixtures', 'legacy', 'kf01-sheet-before-renderer-versions.pdf');
    const result = await verify(file);
    expect(result.code).toBe(EXIT.cannotCheck);
    expect(result.out).toBe(
      `${file}: cannot check — made before renderer versions were recorded, so its pages cannot be re-made and compared; re-make the sheet from the audit export with \`ducha pdf --audit <export> --out sheet.pdf\``,
    );
    expect(result.out).not.toContain('valid');
  });

  it('the remedy: the legacy KF3 audit (sealed under rules 1, cap) re-made with `ducha pdf --audit` verifies', async () => {
    const bundle = z
      .object({ audits: z.array(z.object({ envelope: z.unknown(), blobs: z.array(z.unknown()) })) })
      .parse(
        JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'legacy', 'bundle-v1.ducha'), 'utf8')),
      );
    const kf3Entry = bundle.audits[0];
    const exportFile = join(dir, 'legacy-kf3.ducha-audit.json');
    writeFileSync(exportFile, JSON.stringify({ format: 'ducha.audit-export', version: 1, ...kf3Entry }));
    const out = join(dir, 'legacy-kf3-remade.pdf');
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await runCli(['pdf', '--audit', exportFile, '--out', out], io)).toBe(0);
    // Rules 1 (cap): 二 keeps 40/40 although a 6-point sub-item is 不符合; the whole audit is 40 of 170 → 23.5 %.
    expect(printed(out)).toContain('40/40(封顶40)');
    const result = await verify(out);
    expect(result.code).toBe(EXIT.valid);
    expect(result.out).toMatch(/\n {2}score 合计 +40 \/ 170 \(23\.5%\)\n/);
  });

  it('a sheet recording a renderer version this verifier does not know: cannot check, exit 3', async () => {
    const { objectNumber, data } = metadataStream(genuine);
    const begin = data.indexOf(RENDERER_BEGIN) + RENDERER_BEGIN.length;
    const end = data.indexOf(RENDERER_END);
    const record = rendererRecordSchema.parse(
      decodeEmbeddedJson(data.slice(begin, end)),
    );
    const future = asEmbedded({ ...record, version: 99 });
    const file = save(
      replaceStreamData(genuine, objectNumber, data.slice(0, begin) + future + data.slice(end)),
    );
    const result = await verify(file);
    expect(result.code).toBe(EXIT.cannotCheck);
    expect(result.out).toContain(
      'cannot check — made by renderer version 99; this verifier re-makes version 2, 3',
    );
  });
});

describe('g. time zones', { timeout: 120_000 }, () => {
  it('a sheet made in Asia/Shanghai and one made in UTC are the same bytes, and each verifies here', async () => {
    const envelopeFile = join(dir, 'envelope.json');
    writeFileSync(envelopeFile, JSON.stringify(seal));
    const made = ['Asia/Shanghai', 'UTC', 'America/Los_Angeles'].map((tz) => {
      const out = join(dir, `tz-${tz.replace('/', '-')}.pdf`);
      const reported = execFileSync(
        join(repoRoot, 'node_modules', '.bin', 'tsx'),
        [join(repoRoot, 'tests', 'pdf-attacks', 'render-sheet-child.ts'), envelopeFile, out],
        { env: { ...process.env, TZ: tz }, encoding: 'utf8' },
      );
      expect(reported.split(' ')[0]).toBe(tz);
      return { tz, out, bytes: readFileSync(out) };
    });
    for (const { bytes } of made) expect(bytes.equals(Buffer.from(genuine))).toBe(true);
    // The creation date is written in UTC whatever the machine's zone.
    expect(Buffer.from(genuine).toString('latin1')).toContain("/CreationDate (D:20261124023000+00'00')");
    for (const { out } of made) expect(await verify(out)).toMatchObject({ code: EXIT.valid });
    expect(withoutSpaces(printed(made[0]?.out ?? ''))).toContain(
      '考核时间:2026年11月24日10:30(Asia/Shanghai,UTC+08:00)',
    );
  });

  /** The genuine sheet with its renderer record's time zone replaced, the pages left as they are. */
  const withRecordedZone = (zone: string): Uint8Array => {
    const { objectNumber, data } = metadataStream(genuine);
    const begin = data.indexOf(RENDERER_BEGIN) + RENDERER_BEGIN.length;
    const end = data.indexOf(RENDERER_END);
    const record = rendererRecordSchema.parse(
      decodeEmbeddedJson(data.slice(begin, end)),
    );
    expect(record.timeZone).toBe('Asia/Shanghai');
    const edited = asEmbedded({ ...record, timeZone: zone });
    return replaceStreamData(genuine, objectNumber, data.slice(0, begin) + edited + data.slice(end));
  };

  it('the recorded zone is what the pages print: another zone under the same pages is refused', async () => {
    const file = save(withRecordedZone('America/Los_Angeles'));
    // The pages still say Shanghai; re-made in Los Angeles time they would say 23 November, 18:30.
    expect(printed(file)).toContain('(Asia/Shanghai,UTC+08:00)');
    const result = await verify(file);
    expect(result.code).toBe(EXIT.tampered);
    expect(result.out).toBe(`${file}: tampered — pages: the pages do not show what the seal says (page 1 of 2 differs)`);
  });

  it('a zone this machine does not know: cannot check (exit 3), never valid or tampered', async () => {
    const file = save(withRecordedZone('Mars/Olympus'));
    const result = await verify(file);
    expect(result.code).toBe(EXIT.cannotCheck);
    expect(result.out).toContain(
      "cannot check — its times are printed in time zone Mars/Olympus, which this machine's time-zone data does not know",
    );
  });

  it('a renderer 3 record without a zone is damaged: tampered', async () => {
    const { objectNumber, data } = metadataStream(genuine);
    const begin = data.indexOf(RENDERER_BEGIN) + RENDERER_BEGIN.length;
    const end = data.indexOf(RENDERER_END);
    const { timeZone: _dropped, ...rest } = rendererRecordSchema.parse(
      decodeEmbeddedJson(data.slice(begin, end)),
    );
    const edited = asEmbedded(rest);
    const file = save(replaceStreamData(genuine, objectNumber, data.slice(0, begin) + edited + data.slice(end)));
    const result = await verify(file);
    expect(result.code).toBe(EXIT.tampered);
    expect(result.out).toContain('tampered — the renderer record embedded beside the seal is damaged');
  });
});
