import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  gradesOf,
  publicKeyJwkSchema,
  rubricFingerprint,
  scoreAudit,
  sealAudit,
  type Audit,
  type Grade,
  type Rubric,
  type SealedEnvelope,
  type SealSigner,
} from '../../src/domain/index';
import { renderScoreSheet } from '../../src/report/render-score-sheet';
import type { ScoreSheet } from '../../src/report/sheet-document';
import { repoRoot } from './load';

export const photoRed = new Uint8Array(
  readFileSync(join(repoRoot, 'tests', 'fixtures', 'photos', 'photo-red.jpg')),
);
export const photoBlue = new Uint8Array(
  readFileSync(join(repoRoot, 'tests', 'fixtures', 'photos', 'photo-blue.jpg')),
);
/** A second signature image: the blue fixture with one byte of its scan data changed (jsPDF embeds JPEG bytes as they are). */
export const signatureAlt = Uint8Array.from(photoBlue, (b, i) =>
  i === photoBlue.length - 20 ? b ^ 0x01 : b,
);
export const subsetFont = {
  name: 'NotoSansSC-subset',
  bytes: new Uint8Array(readFileSync(join(repoRoot, 'public', 'fonts', 'NotoSansSC-Regular-subset.ttf'))),
};

export async function nodeSigner(): Promise<SealSigner> {
  const subtle = globalThis.crypto.subtle;
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKey = publicKeyJwkSchema.parse(await subtle.exportKey('jwk', pair.publicKey));
  return {
    publicKey,
    sign: async (data) =>
      new Uint8Array(
        await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, Uint8Array.from(data)),
      ),
  };
}

const at = '2026-11-24T02:30:00.000Z';
const strokes: [number, number][][] = [
  [
    [0.1, 0.5],
    [0.8, 0.4],
  ],
];

/** A finalised audit with a photo on one unit and both signatures (image bytes: the blue fixture). */
export function finalisedAudit(
  rubric: Rubric,
  grades: Readonly<Record<string, Grade | undefined>>,
  options: { site?: string; notes?: Record<string, string>; photoUnit?: string } = {},
): Audit {
  const id = '6b1f0c2a-3d4e-4f50-8a6b-7c8d9e0f1a2b';
  return {
    version: 1,
    id,
    lineageId: id,
    revision: 1,
    status: 'finalised',
    rubricId: rubric.id,
    rubricFingerprint: rubricFingerprint(rubric),
    site: { id: 'site-1', name: options.site ?? '碧桂园凤凰城管理处' },
    auditor: '王小明',
    auditedAt: at,
    mode: 'covert',
    signatures: {
      auditor: { name: '王小明', strokes, imageId: 'sig-auditor', signedAt: at },
      siteManager: { name: '李国强', strokes, imageId: 'sig-manager', signedAt: at },
    },
    createdAt: at,
    updatedAt: at,
    finalisedAt: at,
    answers: Object.entries(grades).flatMap(([unitId, grade]) =>
      grade === undefined
        ? []
        : [
            {
              unitId,
              grade,
              note: options.notes?.[unitId] ?? '',
              photoIds: unitId === options.photoUnit ? ['photo-1'] : [],
              updatedAt: at,
            },
          ],
    ),
  };
}

export const imagesOf = (photo = photoRed): Map<string, Uint8Array> =>
  new Map([
    ['photo-1', photo],
    ['sig-auditor', photoBlue],
    ['sig-manager', signatureAlt],
  ]);

/** Seals with the given device key, or a fresh one (an unenrolled signer) when none is given. */
export async function sealed(
  rubric: Rubric,
  audit: Audit,
  signer?: SealSigner,
  images: ReadonlyMap<string, Uint8Array> = imagesOf(),
): Promise<SealedEnvelope> {
  const blobs = new Map([...images].map(([id, bytes]) => [id, { bytes, type: 'image/jpeg' }]));
  const result = await sealAudit({ audit, rubric, blobs, sealedAt: at }, signer ?? (await nodeSigner()));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

export function sheetOf(
  rubric: Rubric,
  audit: Audit,
  options: {
    seal?: SealedEnvelope;
    images?: Map<string, Uint8Array>;
    fallback?: { name: string; bytes: Uint8Array };
    /** Another copy of the subset font (default: subsetFont). */
    font?: { name: string; bytes: Uint8Array };
    timeZone?: string;
  } = {},
): ScoreSheet {
  return renderScoreSheet(rubric, audit, scoreAudit(rubric, gradesOf(audit.answers)), {
    fonts: {
      subset: options.font ?? subsetFont,
      ...(options.fallback ? { fallback: options.fallback } : {}),
    },
    images: options.images ?? imagesOf(),
    ...(options.seal ? { seal: options.seal } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
}
