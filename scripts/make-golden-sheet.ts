// Makes the golden sheet of the current renderer version in tests/fixtures/sheets, once: the audit export
// (sealed by a throw-away key) and the PDF `ducha pdf --audit` makes from it. It refuses to overwrite a
// golden sheet, because the point of one is that it was made by the code of its day.
// Usage: npx tsx scripts/make-golden-sheet.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toBase64Url, type Audit, type AuditExport } from '../src/domain/index';
import { runCli } from '../src/cli/run-cli';
import { SHEET_RENDERER_VERSION } from '../src/report/sheet-record';
import { loadGrades, loadRubric, repoRoot } from '../tests/support/load';
import { finalisedAudit, imagesOf, sealed } from '../tests/support/sealed-audit';

const dir = join(repoRoot, 'tests', 'fixtures', 'sheets');
const name = `kf3-renderer-v${String(SHEET_RENDERER_VERSION)}`;
const exportFile = join(dir, `${name}.ducha-audit.json`);
const pdfFile = join(dir, `${name}.pdf`);
if (existsSync(exportFile) || existsSync(pdfFile))
  throw new Error(`${name} exists: golden sheets are never regenerated`);

const kf3 = loadRubric('KF3');
// What renderer 3 changed, all on one sheet: a portrait photo beside a landscape one, notes whose naive
// wrapping would start lines with "，" or "）", a name outside GB2312 (燊, drawn with the fuller font)
// and a zone other than the default (Xinjiang time, UTC+6).
const note = '巡检记录不全，缺少十一月份的夜间巡查签到记录。另有两处消防通道堆放杂物（已拍照），要求整改。';
const base = finalisedAudit(
  kf3,
  { ...loadGrades(kf3, 'kf3-mixed-cap-not-hit') },
  {
    site: '乌鲁木齐·燊园管理处',
    notes: { '2.2': '装修押金收据未编号', '2.4': note, '5.1.8': `客户原话：“${note}”` },
    photoUnit: '2.2',
  },
);
const audit: Audit = {
  ...base,
  answers: base.answers.map((a) => (a.unitId === '2.4' ? { ...a, photoIds: ['photo-portrait'] } : a)),
};
const images = new Map(imagesOf());
images.set(
  'photo-portrait',
  new Uint8Array(readFileSync(join(repoRoot, 'tests', 'fixtures', 'photos', 'photo-portrait.jpg'))),
);
const envelope = await sealed(kf3, audit, undefined, images);
const exported: AuditExport = {
  format: 'ducha.audit-export',
  version: 1,
  envelope,
  blobs: [...images].map(([id, bytes]) => ({ id, type: 'image/jpeg', base64url: toBase64Url(bytes) })),
};
writeFileSync(exportFile, `${JSON.stringify(exported, null, 2)}\n`);
const io = {
  out: (line: string) => {
    console.log(line);
  },
  err: (line: string) => {
    console.error(line);
  },
};
const code = await runCli(['pdf', '--audit', exportFile, '--out', pdfFile, '--tz', 'Asia/Urumqi'], io);
if (code !== 0) throw new Error(`ducha pdf exited ${String(code)}`);
