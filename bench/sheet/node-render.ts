// The renderer alone in Node (no browser, no worker): a full KF3 audit's sheet without and with ten photos,
// as the CLI makes it, fonts parsed once. Figures, not assertions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  gradedUnits,
  gradesOf,
  parseRubric,
  rubricFingerprint,
  scoreAudit,
  sealAudit,
  type Audit,
  type Grade,
} from '../../src/domain/index';
import { renderScoreSheet } from '../../src/report/render-score-sheet';
import { nodeSigner } from '../../tests/support/sealed-audit';

const root = join(import.meta.dirname, '..', '..');
const parsed = parseRubric(JSON.parse(readFileSync(join(root, 'rubrics', 'KF3.json'), 'utf8')));
if (!parsed.ok) throw new Error('KF3.json is invalid');
const rubric = parsed.value;
const font = {
  name: 'NotoSansSC-subset',
  bytes: new Uint8Array(readFileSync(join(root, 'public', 'fonts', 'NotoSansSC-Regular-subset.ttf'))),
};
const photo = new Uint8Array(readFileSync(join(root, 'bench', 'fixtures', 'photo-1600x1200.jpg')));
// Ten distinct photos (one scan byte differs), as ten real photos would be.
const photos = Array.from({ length: 10 }, (_, i) =>
  Uint8Array.from(photo, (b, j) => (j === photo.length - 30 ? (b + i) & 0xff : b)),
);
// Signatures are small canvas JPEGs, not photos.
const signature = new Uint8Array(readFileSync(join(root, 'tests', 'fixtures', 'photos', 'photo-blue.jpg')));

const at = '2026-11-24T02:30:00.000Z';
const grades: Grade[] = ['compliant', 'mostly', 'partly', 'non_compliant', 'compliant', 'na'];
const units = gradedUnits(rubric).map((u) => u.id);
function audit(photoCount: number): Audit {
  const id = '6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1a2b';
  const strokes: [number, number][][] = [
    [
      [0.1, 0.5],
      [0.9, 0.4],
    ],
  ];
  return {
    version: 1,
    id,
    lineageId: id,
    revision: 1,
    status: 'finalised',
    rubricId: 'KF3',
    rubricFingerprint: rubricFingerprint(rubric),
    site: { id: 's', name: '碧桂园凤凰城管理处' },
    auditor: '王小明',
    auditedAt: at,
    mode: 'onsite',
    signatures: {
      auditor: { name: '王小明', strokes, imageId: 'sig-a', signedAt: at },
      siteManager: { name: '李国强', strokes, imageId: 'sig-m', signedAt: at },
    },
    createdAt: at,
    updatedAt: at,
    finalisedAt: at,
    answers: units.map((unitId, i) => ({
      unitId,
      grade: grades[i % grades.length] ?? 'compliant',
      note: i % 4 === 0 ? `第${unitId}项:现场抽查发现记录不完整,已要求整改并于三个工作日内回访。` : '',
      photoIds: i < photoCount ? [`photo-${String(i)}`] : [],
      updatedAt: at,
    })),
  };
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Median render time (the first sheet, which parses the font, not counted), size and pages. */
export async function nodeSheet(
  photoCount: number,
  runs: number,
): Promise<{ ms: number; bytes: number; pages: number }> {
  const a = audit(photoCount);
  const images = new Map<string, Uint8Array>([
    ['sig-a', signature],
    ['sig-m', signature],
    ...photos.slice(0, photoCount).map((p, i): [string, Uint8Array] => [`photo-${String(i)}`, p]),
  ]);
  const blobs = new Map([...images].map(([id, bytes]) => [id, { bytes, type: 'image/jpeg' }]));
  const sealed = await sealAudit({ audit: a, rubric, blobs, sealedAt: at }, await nodeSigner());
  if (!sealed.ok) throw new Error(JSON.stringify(sealed.issues));
  const score = scoreAudit(rubric, gradesOf(a.answers));
  const render = () =>
    renderScoreSheet(rubric, a, score, { fonts: { subset: font }, images, seal: sealed.value });
  render();
  const times: number[] = [];
  let sheet = render();
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    sheet = render();
    times.push(performance.now() - start);
  }
  return { ms: median(times), bytes: sheet.bytes.length, pages: sheet.pageCount };
}
