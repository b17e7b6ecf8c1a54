import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradesOf, toBase64Url, type Audit, type AuditExport, type Grade } from '../../src/domain/index';
import { runCli } from '../../src/cli/run-cli';
import { verifyCommand } from '../../src/cli/commands/verify';
import { decodeEmbeddedJson } from '../../src/verify/check-sheet';
import { findBetweenMarkers, readStreams } from '../../src/verify/pdf-inspect';
import { DEFAULT_FALLBACK_FONT } from '../../src/verify/sheet-fonts';
import { pdfDateUtc, SEAL_BEGIN } from '../../src/report/sheet-document';
import {
  RENDERER_BEGIN,
  RENDERER_END,
  rendererRecordSchema,
  SHEET_RENDERER_VERSION,
} from '../../src/report/sheet-record';
import { extractFontFromCollection } from '../../src/report/ttc';
import { loadGrades, loadRubric, repoRoot } from '../support/load';
import { finalisedAudit, imagesOf, photoBlue, sealed, sheetOf, subsetFont } from '../support/sealed-audit';

const dir = mkdtempSync(join(tmpdir(), 'ducha-sheet-'));
let n = 0;
function save(bytes: Uint8Array): string {
  const file = join(dir, `sheet-${++n}.pdf`);
  writeFileSync(file, bytes);
  return file;
}
/** pdftotext (poppler-utils, installed by .ci/run), whitespace removed so wrapped cells read whole. */
const textOf = (file: string): string =>
  execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).replace(/\s+/g, '');
const pagesOf = (file: string): string[] =>
  execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .split('\f')
    .filter((p) => p.trim() !== '');

/** The page-level check alone (no key register): who signed is tested in tests/pdf-attacks. */
async function verify(file: string): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await verifyCommand(file, { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out: out.join('\n') };
}

const kf01 = loadRubric('KF01');
const kf3 = loadRubric('KF3');
const gradesOfFixture = (rubric: typeof kf01, name: string): Record<string, Grade | undefined> => ({
  ...loadGrades(rubric, name),
});

describe('the score sheet, read back with pdftotext', { timeout: 30_000 }, () => {
  it('KF01: title, header, every item, 合计 and the exact totals', () => {
    // kf01-mixed: 63 of 95 → 66.3 %
    const audit = finalisedAudit(kf01, gradesOfFixture(kf01, 'kf01-mixed'), {
      notes: { '7': '未复述客户诉求要点' },
      photoUnit: '7',
    });
    const file = save(sheetOf(kf01, audit).bytes);
    const text = textOf(file);
    for (const expected of [
      '客服规范服务考核标准(之一,电话接听)',
      '被考核单位:碧桂园凤凰城管理处',
      // The sheet's default zone, named: 02:30 UTC is 10:30 in Shanghai.
      '考核时间:2026年11月24日10:30(Asia/Shanghai,UTC+08:00)',
      '督办记录表KF01',
      '合计',
      '63/95得分率66.3%',
      '备注:未复述客户诉求要点',
      '不适用',
      '考核人签名:王小明',
      '被考核单位负责人签名:李国强',
      '附:现场照片',
    ]) {
      expect(text, expected).toContain(expected);
    }
    for (const item of kf01.items) expect(text, item.title).toContain(item.title);
    expect(text).toContain('序号项目标准考核与评分方法标准分值实际得分');
  });

  it('KF3: every item and sub-item name, 合计 and the exact totals, header repeated on every page', () => {
    // kf3-mixed-cap-not-hit under 扣完为止 (overflow "deduct"): 二 starts from 40 and loses 2.2 基本 1.2 +
    // 2.3 一般 2.4 + 2.4 不符合 8 + 2.7 基本 1.2 = 12.8 → 27.2/40; total 121.2 − 6 = 115.2 of 157 → 73.4 %
    const audit = finalisedAudit(kf3, gradesOfFixture(kf3, 'kf3-mixed-cap-not-hit'));
    const sheet = sheetOf(kf3, audit);
    const file = save(sheet.bytes);
    const text = textOf(file);
    for (const expected of [
      '客户接待规范服务考核标准(之三,业务接待与处理)',
      '督办记录表KF3',
      '入伙办理',
      '装修服务',
      '收费服务',
      '咨询报修',
      '投诉处理',
      '投诉受理',
      '27.2/40(扣完为止)',
      '115.2/157得分率73.4%',
      '合计',
    ]) {
      expect(text, expected).toContain(expected);
    }
    const pages = pagesOf(file);
    expect(pages.length).toBe(sheet.pageCount);
    expect(sheet.pageCount).toBeGreaterThanOrEqual(3);
    pages.forEach((page, i) => {
      const squashed = page.replace(/\s+/g, '');
      expect(squashed, `page ${i + 1}`).toContain(`第${i + 1}/${pages.length}页`);
      expect(squashed).toContain('考核编号6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1a2b·修订1');
    });
    // The table header is repeated on each page the table runs over (all but the last, signatures page).
    expect(pages.filter((p) => p.includes('考核与评分方法')).length).toBeGreaterThanOrEqual(2);
    expect(sheet.missingCharacters).toEqual([]);
  });

  it('a draft is marked 草稿 on every page and is not sealed', async () => {
    const draft: Audit = {
      ...finalisedAudit(kf3, { '1.1': 'compliant' }),
      status: 'draft',
      finalisedAt: undefined,
    };
    const file = save(sheetOf(kf3, draft).bytes);
    const pages = pagesOf(file);
    for (const page of pages) expect(page).toContain('草稿');
    expect(textOf(file)).toContain('未评');
    expect(await verify(file)).toMatchObject({ code: 2 });
  });

  it('names with 燊 and 堃: printed with the fuller font when available, otherwise □ with a warning naming them', () => {
    const audit = finalisedAudit(kf01, gradesOfFixture(kf01, 'kf01-all-compliant'), {
      site: '碧桂园·燊城管理处',
    });
    const withoutFallback = sheetOf(kf01, { ...audit, auditor: '王堃' });
    expect(withoutFallback.missingCharacters).toEqual(['燊', '堃']);
    const plain = textOf(save(withoutFallback.bytes));
    expect(plain).toContain('碧桂园·□城管理处');
    expect(plain).toContain('U+71CA、U+5803');

    // The fuller font bundled in public/fonts (what the app caches and the CLI uses).
    const fallback = {
      name: 'wqy',
      bytes: extractFontFromCollection(new Uint8Array(readFileSync(DEFAULT_FALLBACK_FONT))),
    };
    const full = sheetOf(kf01, { ...audit, auditor: '王堃' }, { fallback });
    expect(full.missingCharacters).toEqual([]);
    expect(full.usedFallbackFont).toBe(true);
    const text = textOf(save(full.bytes));
    expect(text).toContain('被考核单位:碧桂园·燊城管理处');
    expect(text).toContain('考核人:王堃');
  });
});

describe(
  'the sheet is reproducible: a pure function of its inputs, with the renderer recorded',
  { timeout: 60_000 },
  () => {
    const audit = finalisedAudit(kf01, gradesOfFixture(kf01, 'kf01-mixed'), { photoUnit: '7' });

    it('renders the same bytes twice, sealed and unsealed, with the file ID taken from the seal hash', async () => {
      const seal = await sealed(kf01, audit);
      const first = sheetOf(kf01, audit, { seal }).bytes;
      expect(Buffer.from(sheetOf(kf01, audit, { seal }).bytes).equals(Buffer.from(first))).toBe(true);
      const id = seal.hash.slice(0, 32).toUpperCase();
      expect(Buffer.from(first).toString('latin1')).toContain(`/ID [ <${id}> <${id}> ]`);
      const unsealed = sheetOf(kf01, audit).bytes;
      expect(Buffer.from(sheetOf(kf01, audit).bytes).equals(Buffer.from(unsealed))).toBe(true);
    });

    it('writes the creation date in UTC', () => {
      expect(pdfDateUtc('2026-11-24T02:30:00.000Z')).toBe("D:20261124023000+00'00'");
      expect(pdfDateUtc('2026-11-24T10:30:00+08:00')).toBe("D:20261124023000+00'00'");
      // jsPDF accepts no date string outside 1970–2037.
      expect(pdfDateUtc('2040-01-01T00:00:00Z')).toBe("D:19700101000000+00'00'");
    });

    it('records renderer version 4, the jsPDF version, the font it used (name + SHA-256) and the time zone beside the seal', async () => {
      const seal = await sealed(kf01, audit);
      const bytes = sheetOf(kf01, audit, { seal }).bytes;
      // Read as `ducha verify` reads it: the XMP stream is compressed, so the markers are not in the raw file.
      expect(Buffer.from(bytes).toString('latin1')).not.toContain(RENDERER_BEGIN);
      const metadata = readStreams(bytes).find((s) => s.dictionary.includes('/Type /Metadata'));
      expect(metadata?.dictionary).toContain('/Filter /FlateDecode');
      const xmp = Buffer.from(metadata?.data ?? new Uint8Array()).toString('latin1');
      // Renderer 3 writes the JSON as it is (its hyphens escaped), the seal right after the record.
      const embedded = new RegExp(`${RENDERER_BEGIN}(\\{.*?\\})${RENDERER_END}${SEAL_BEGIN}\\{`).exec(
        xmp,
      )?.[1];
      expect(embedded).toContain('"NotoSansSC\\u002dsubset"');
      const record = rendererRecordSchema.parse(decodeEmbeddedJson(embedded ?? ''));
      expect(record).toEqual({
        renderer: 'ducha.score-sheet',
        version: SHEET_RENDERER_VERSION,
        jspdf: '4.2.1',
        fonts: {
          subset: {
            name: 'NotoSansSC-subset',
            sha256: createHash('sha256').update(subsetFont.bytes).digest('hex'),
          },
        },
        timeZone: 'Asia/Shanghai',
      });
      expect(SHEET_RENDERER_VERSION).toBe(4);
    });

    it.runIf(existsSync(DEFAULT_FALLBACK_FONT))(
      'embeds and records the fallback font only when some text needs it',
      async () => {
        const fallback = {
          name: 'CJK-fallback',
          bytes: extractFontFromCollection(new Uint8Array(readFileSync(DEFAULT_FALLBACK_FONT))),
        };
        const seal = await sealed(kf01, audit);
        // Nothing here needs it: the sheet is the same bytes as one made where the fallback is not installed.
        const offered = sheetOf(kf01, audit, { seal, fallback });
        expect(offered.usedFallbackFont).toBe(false);
        expect(Buffer.from(offered.bytes).equals(Buffer.from(sheetOf(kf01, audit, { seal }).bytes))).toBe(
          true,
        );
        const rare = { ...audit, auditor: '王堃' };
        const needed = sheetOf(kf01, rare, { seal: await sealed(kf01, rare), fallback });
        expect(needed.usedFallbackFont).toBe(true);
        const embedded = findBetweenMarkers(needed.bytes, RENDERER_BEGIN, RENDERER_END);
        const record = rendererRecordSchema.parse(decodeEmbeddedJson(embedded ?? ''));
        expect(record.fonts.fallback).toEqual({
          name: 'CJK-fallback',
          sha256: createHash('sha256').update(fallback.bytes).digest('hex'),
        });
      },
    );
  },
);

/** Lines of a page as poppler lays it out, cut into the pieces separated by wide gaps (one per cell line). */
const cellLines = (file: string): string[] =>
  execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
    .split('\n')
    .flatMap((line) => line.trim().split(/\s{2,}/))
    .filter((piece) => piece !== '');
/** Pieces that break 禁则: starting with closing punctuation or ending with opening punctuation. */
const kinsokuViolations = (file: string): string[] =>
  cellLines(file).filter(
    (piece) => /^[，。、；：？！）」』】》〉”’,.;:?!)\]]/.test(piece) || /[（「『【《〈“‘([]$/.test(piece),
  );
/** x-ppi and y-ppi of every image, from pdfimages: equal exactly when the image is not stretched. */
const imageResolutions = (file: string): { size: string; xPpi: number; yPpi: number }[] =>
  execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      return { size: `${cols[3] ?? ''}x${cols[4] ?? ''}`, xPpi: Number(cols[12]), yPpi: Number(cols[13]) };
    });

describe('renderer 3: zones named, photos never stretched, lines broken by 禁则', { timeout: 60_000 }, () => {
  const portrait = new Uint8Array(
    readFileSync(join(repoRoot, 'tests', 'fixtures', 'photos', 'photo-portrait.jpg')),
  );

  it('prints every time in the chosen zone, naming it, and records the zone beside the seal; verify re-makes it', async () => {
    const audit = finalisedAudit(kf01, gradesOfFixture(kf01, 'kf01-mixed'));
    const seal = await sealed(kf01, audit);
    const file = save(sheetOf(kf01, audit, { seal, timeZone: 'America/Los_Angeles' }).bytes);
    const text = textOf(file);
    // 2026-11-24T02:30Z is 18:30 on 23 November in Los Angeles (UTC−8 in November).
    const when = '2026年11月23日18:30(America/Los_Angeles,UTC-08:00)';
    expect(text).toContain(`考核时间:${when}`);
    expect(text.split(`签署时间:${when}`).length - 1).toBe(2);
    expect(text).toContain(`签章时间${when}`);
    expect(text).not.toContain('Asia/Shanghai');
    const result = await verify(file);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /考核时间 +2026年11月23日 18:30 \(America\/Los_Angeles, UTC-08:00\) = 2026-11-24T02:30:00.000Z\n/,
    );

    const shanghai = textOf(save(sheetOf(kf01, audit, { seal }).bytes));
    expect(shanghai).toContain('考核时间:2026年11月24日10:30(Asia/Shanghai,UTC+08:00)');
    expect(shanghai).toContain('签章时间2026年11月24日10:30(Asia/Shanghai,UTC+08:00)');
    expect(() => sheetOf(kf01, audit, { timeZone: 'Mars/Olympus' })).toThrow(
      'unknown time zone "Mars/Olympus"',
    );
  });

  it('a portrait photo keeps its aspect ratio (the same resolution across and down), as do the others', () => {
    const base = finalisedAudit(kf01, gradesOfFixture(kf01, 'kf01-mixed'), { photoUnit: '7' });
    const audit: Audit = {
      ...base,
      answers: base.answers.map((a) => (a.unitId === '3' ? { ...a, photoIds: ['photo-portrait'] } : a)),
    };
    const images = new Map(imagesOf());
    images.set('photo-portrait', portrait);
    const file = save(sheetOf(kf01, audit, { images }).bytes);
    const placed = imageResolutions(file);
    // Two signatures, the 64×48 photo and the 48×96 portrait.
    expect(placed.map((p) => p.size).sort()).toEqual(['48x96', '64x48', '64x48', '64x48']);
    for (const image of placed) expect(image.xPpi, image.size).toBe(image.yPpi);
    // 80 mm tall (the cap) → 96 px / (80 / 25.4) in = 30 ppi; before renderer 3 it was 87 mm wide: 14 ppi across.
    expect(placed.find((p) => p.size === '48x96')).toMatchObject({ xPpi: 30, yPpi: 30 });
    expect(textOf(file)).toContain('3接听速度·照片1');
  });

  it('no cell line starts with closing or ends with opening punctuation, and no heading splits', () => {
    const note =
      '巡检记录不全，缺少十一月份的夜间巡查签到记录。另有两处消防通道堆放杂物（已拍照），要求整改。复查时间：下周一（11月30日）。';
    const audit = finalisedAudit(kf3, gradesOfFixture(kf3, 'kf3-mixed-cap-not-hit'), {
      notes: { '2.4': note, '1.2': note, '5.1.8': `客户原话：“${note}”` },
      photoUnit: '2.4',
    });
    const file = save(sheetOf(kf3, audit).bytes);
    expect(kinsokuViolations(file)).toEqual([]);
    // The same check finds the breaks renderer 2 made (e.g. a line starting "),结合…" and 0.8 split as "0" / ".8").
    const v2 = join(repoRoot, 'tests', 'fixtures', 'sheets', 'kf3-renderer-v2.pdf');
    expect(kinsokuViolations(v2).length).toBeGreaterThanOrEqual(5);
    expect(kinsokuViolations(v2)).toContain('.8*标准分,“一般符合”项得0.6*标准');
    // Every heading on one line of the repeated table header, on every page the table runs over.
    const headerLines = (path: string) =>
      execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('序号'));
    const headers = headerLines(file);
    expect(headers.length).toBeGreaterThanOrEqual(2);
    for (const line of headers)
      expect(line.trim().split(/\s+/)).toEqual([
        '序号',
        '项目',
        '标准',
        '考核与评分方法',
        '标准分值',
        '实际得分',
      ]);
    // Renderer 2 wrapped 标准分值 as 标准分 / 值: its header row has no whole 标准分值.
    expect(headerLines(v2)[0]?.trim().split(/\s+/)).toEqual([
      '序号',
      '项目',
      '标准',
      '考核与评分方法',
      '实际得分',
    ]);
    // Nothing was lost in the breaking: the note reads whole (whitespace removed).
    expect(textOf(file)).toContain(`备注:${note}`);
  });
});

describe('ducha verify', () => {
  it(
    'accepts an untouched sealed sheet and names what was changed after sealing',
    { timeout: 60_000 },
    async () => {
      const audit = finalisedAudit(kf01, gradesOfFixture(kf01, 'kf01-mixed'), {
        notes: { '7': '未复述客户诉求要点' },
        photoUnit: '7',
      });
      const seal = await sealed(kf01, audit);

      const untouched = await verify(save(sheetOf(kf01, audit, { seal }).bytes));
      expect(untouched.code).toBe(0);
      expect(untouched.out).toContain('valid');

      // Someone re-makes the sheet with a better grade but keeps the seal of the signed one.
      const betterScore = {
        ...audit,
        answers: audit.answers.map((a) => (a.unitId === '4' ? { ...a, grade: 'compliant' as const } : a)),
      };
      const score = await verify(save(sheetOf(kf01, betterScore, { seal }).bytes));
      expect(score.code).toBe(1);
      expect(score.out).toMatch(
        /tampered — pages: the pages do not show what the seal says \(page 1 of 2 differs\)$/,
      );

      const softerNote = {
        ...audit,
        answers: audit.answers.map((a) => (a.unitId === '7' ? { ...a, note: '表现良好' } : a)),
      };
      const note = await verify(save(sheetOf(kf01, softerNote, { seal }).bytes));
      expect(note.code).toBe(1);
      // The note is printed in the table (page 1) and under the photo (page 2).
      expect(note.out).toMatch(
        /tampered — pages: the pages do not show what the seal says \(pages 1, 2 of 2 differ\)$/,
      );

      const swapped = await verify(save(sheetOf(kf01, audit, { seal, images: imagesOf(photoBlue) }).bytes));
      expect(swapped.code).toBe(1);
      expect(swapped.out).toMatch(/tampered — photo/);
      expect(swapped.out).toContain('photo of unit 7');

      const otherSignature = new Map(imagesOf());
      otherSignature.set('sig-manager', otherSignature.get('photo-1') ?? new Uint8Array());
      const signature = await verify(save(sheetOf(kf01, audit, { seal, images: otherSignature }).bytes));
      expect(signature.out).toMatch(/tampered — signature/);

      // Bytes of the seal itself edited inside the PDF.
      const bytes = sheetOf(kf01, audit, { seal }).bytes;
      const raw = Buffer.from(bytes).toString('latin1');
      const begin = raw.indexOf('DUCHA-SEAL-BEGIN:') + 'DUCHA-SEAL-BEGIN:'.length;
      const broken = Buffer.from(
        raw.slice(0, begin + 10) + (raw[begin + 10] === 'A' ? 'B' : 'A') + raw.slice(begin + 11),
        'latin1',
      );
      expect((await verify(save(new Uint8Array(broken)))).code).toBe(1);

      const unsigned = await verify(save(sheetOf(kf01, audit).bytes));
      expect(unsigned).toMatchObject({ code: 2 });
      expect(unsigned.out).toContain('unsigned');
      expect(gradesOf(audit.answers)['4']).toBe('non_compliant');
    },
  );
});

describe('ducha pdf --audit <export>', () => {
  it(
    'renders the sealed sheet of an exported audit, which then verifies; a tampered export is refused',
    { timeout: 60_000 },
    async () => {
      const audit = finalisedAudit(kf3, gradesOfFixture(kf3, 'kf3-all-compliant'), {
        photoUnit: '2.4',
        notes: { '2.4': '巡检记录齐全' },
      });
      const envelope = await sealed(kf3, audit);
      const exported: AuditExport = {
        format: 'ducha.audit-export',
        version: 1,
        envelope,
        blobs: [...imagesOf()].map(([id, bytes]) => ({
          id,
          type: 'image/jpeg',
          base64url: toBase64Url(bytes),
        })),
      };
      const exportFile = join(dir, 'audit.json');
      writeFileSync(exportFile, JSON.stringify(exported));
      const out = join(dir, 'from-export.pdf');
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      expect(await runCli(['pdf', '--audit', exportFile, '--out', out], io)).toBe(0);
      expect(lines.join('\n')).toContain(`sealed ${envelope.hash.slice(0, 16)}`);
      expect(await verify(out)).toMatchObject({ code: 0 });
      expect(textOf(out)).toContain('170/170得分率100.0%');
      expect(textOf(out)).toContain('签章时间2026年11月24日10:30(Asia/Shanghai,UTC+08:00)');

      // --tz: every time in that zone, named, and the zone recorded so verify re-makes the same bytes.
      const utc = join(dir, 'from-export-utc.pdf');
      expect(await runCli(['pdf', '--audit', exportFile, '--out', utc, '--tz', 'UTC'], io)).toBe(0);
      expect(textOf(utc)).toContain('考核时间:2026年11月24日02:30(UTC,UTC+00:00)');
      expect(await verify(utc)).toMatchObject({ code: 0 });
      lines.length = 0;
      expect(
        await runCli(
          ['pdf', '--audit', exportFile, '--out', join(dir, 'never.pdf'), '--tz', 'Mars/Olympus'],
          io,
        ),
      ).toBe(1);
      expect(lines).toEqual([
        'pdf: --tz Mars/Olympus is not a time zone this machine knows (e.g. Asia/Shanghai, UTC)',
      ]);

      const tampered = {
        ...exported,
        blobs: exported.blobs.map((b) =>
          b.id === 'photo-1' ? { ...b, base64url: toBase64Url(photoBlue) } : b,
        ),
      };
      writeFileSync(exportFile, JSON.stringify(tampered));
      lines.length = 0;
      expect(await runCli(['pdf', '--audit', exportFile, '--out', join(dir, 'never.pdf')], io)).toBe(1);
      expect(lines.join('\n')).toMatch(/does not match its seal: photo/);
      expect(existsSync(join(dir, 'never.pdf'))).toBe(false);
    },
  );
});
