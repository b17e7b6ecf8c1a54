import { jsPDF } from 'jspdf';
import { z } from 'zod';
import { sha256Hex } from '../domain/index';
import type { SheetFont } from './font-choice';

/**
 * Bumped whenever the renderer's output bytes change for the same inputs (layout, wording, jsPDF options),
 * so a verifier never mistakes a sheet made by other code for a forgery, nor the other way round.
 * Version 1 is the released code that recorded nothing; it cannot be reproduced exactly.
 */
export const SHEET_RENDERER_VERSION = 2;
/** The renderer versions this code reproduces byte for byte. */
export const REPRODUCIBLE_RENDERER_VERSIONS: readonly number[] = [SHEET_RENDERER_VERSION];

export const RENDERER_BEGIN = 'DUCHA-RENDERER-BEGIN:';
export const RENDERER_END = ':DUCHA-RENDERER-END';

/** The jsPDF version shapes the bytes as much as our own code does, so it is recorded beside ours. */
export const JSPDF_VERSION: string = jsPDF.version;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');
export const fontIdentitySchema = z.strictObject({
  name: z.string().min(1).max(200),
  sha256: hex64,
});
export type FontIdentity = z.infer<typeof fontIdentitySchema>;

/** What a verifier needs to make the same bytes again: which code, and exactly which fonts. */
export const rendererRecordSchema = z.strictObject({
  renderer: z.literal('ducha.score-sheet'),
  version: z.number().int().min(1),
  jspdf: z.string().min(1).max(50),
  fonts: z.strictObject({
    subset: fontIdentitySchema,
    /** Present only when some text on the sheet was drawn with it. */
    fallback: fontIdentitySchema.optional(),
  }),
});
export type RendererRecord = z.infer<typeof rendererRecordSchema>;

// A font is hashed once per byte array: the 2.4 MB subset is passed for every sheet.
const fontHashes = new WeakMap<Uint8Array, string>();
export function fontIdentity(font: SheetFont): FontIdentity {
  let sha256 = fontHashes.get(font.bytes);
  if (sha256 === undefined) {
    sha256 = sha256Hex(font.bytes);
    fontHashes.set(font.bytes, sha256);
  }
  return { name: font.name, sha256 };
}

export function rendererRecord(fonts: { subset: SheetFont; fallback?: SheetFont }): RendererRecord {
  return {
    renderer: 'ducha.score-sheet',
    version: SHEET_RENDERER_VERSION,
    jspdf: JSPDF_VERSION,
    fonts: {
      subset: fontIdentity(fonts.subset),
      ...(fonts.fallback ? { fallback: fontIdentity(fonts.fallback) } : {}),
    },
  };
}
