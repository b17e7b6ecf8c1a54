import { jsPDF } from 'jspdf';
import { z } from 'zod';
import { sha256Hex } from '../domain/index';
import type { SheetFont } from './font-choice';
import { isPublicBaseUrl } from './public-base-url';

// Where it always was, for those who import it from here.
export { isPublicBaseUrl };

/**
 * Bumped whenever the renderer's output bytes change for the same inputs (layout, wording, jsPDF options),
 * so a verifier never mistakes a sheet made by other code for a forgery, nor the other way round.
 * Version 1 is the released code that recorded nothing; it cannot be reproduced exactly.
 * Version 2 printed times in Asia/Shanghai without naming the zone; it is kept, frozen, in renderer-v2/.
 * Version 3 names the zone of every time (recorded here), keeps photos' aspect ratio and breaks Chinese
 * lines by 禁则; it embeds its fonts itself (only the glyphs drawn) and writes the seal block compressed,
 * as JSON (renderer 2 wrote base64). It is kept, frozen, in renderer-v3/.
 * Version 4 may name head office's verification page (the QR code and every page's footer): the base URL
 * is recorded here, so a verifier re-makes the same page text and an altered URL is refused.
 */
export const SHEET_RENDERER_VERSION = 4;
/** The renderer versions this code reproduces byte for byte. */
export const REPRODUCIBLE_RENDERER_VERSIONS: readonly number[] = [2, 3, SHEET_RENDERER_VERSION];

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
export const rendererRecordSchema = z
  .strictObject({
    renderer: z.literal('ducha.score-sheet'),
    version: z.number().int().min(1),
    jspdf: z.string().min(1).max(50),
    fonts: z.strictObject({
      subset: fontIdentitySchema,
      /** Present only when some text on the sheet was drawn with it. */
      fallback: fontIdentitySchema.optional(),
    }),
    /**
     * The IANA zone the sheet's times are printed in (version 3 on). Not sealed: it chooses only how the
     * sealed instants are shown, and the sheet names it beside every time, so a changed zone can relabel
     * a time but never move it. Only its spelling is checked here: a zone this machine's time-zone data
     * lacks makes a sheet "cannot check", not damaged.
     */
    timeZone: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_+\-/]{0,99}$/, 'must be an IANA time zone name')
      .optional(),
    /**
     * Head office's public base URL (version 4 on), when one was configured: the sheet prints
     * `<publicUrl>/#/verify` and puts it in the QR code. Drawn on the pages, so re-making with another
     * URL gives other bytes: a changed URL is a changed sheet.
     */
    publicUrl: z.string().max(200).optional(),
  })
  .superRefine((record, ctx) => {
    if (record.publicUrl !== undefined && (record.version < 4 || !isPublicBaseUrl(record.publicUrl)))
      ctx.addIssue({ code: 'custom', path: ['publicUrl'], message: 'must be an http(s) base URL, recorded from renderer 4 on' });
    if (record.version >= 3 && record.timeZone === undefined)
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'renderer 3 records the time zone' });
    if (record.version < 3 && record.timeZone !== undefined)
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'renderer 2 printed no time zone' });
  });
export type RendererRecord = z.infer<typeof rendererRecordSchema>;

// A font is hashed once per byte array: the 2.4 MB subset is passed for every sheet.
const fontHashes = new WeakMap<Uint8Array, string>();
/**
 * Records the SHA-256 of a font's bytes computed natively (node:crypto, WebCrypto), so fontIdentity does
 * not hash the same megabytes again in JavaScript.
 */
export function rememberFontHash(bytes: Uint8Array, sha256: string): void {
  if (!hex64.safeParse(sha256).success) throw new Error(`rememberFontHash: ${sha256} is not a SHA-256`);
  fontHashes.set(bytes, sha256);
}

export function fontIdentity(font: SheetFont): FontIdentity {
  let sha256 = fontHashes.get(font.bytes);
  if (sha256 === undefined) {
    sha256 = sha256Hex(font.bytes);
    fontHashes.set(font.bytes, sha256);
  }
  return { name: font.name, sha256 };
}

/** Where a sheet of this seal sends a reader: the verification page, with the audit and seal named. */
export function verifyPageUrl(publicUrl: string, auditId: string, sealHash: string): string {
  return `${publicUrl}/#/verify?audit=${encodeURIComponent(auditId)}&seal=${encodeURIComponent(sealHash)}`;
}

export function rendererRecord(
  fonts: { subset: SheetFont; fallback?: SheetFont },
  version: number,
  timeZone?: string,
  publicUrl?: string,
): RendererRecord {
  return {
    renderer: 'ducha.score-sheet',
    version,
    jspdf: JSPDF_VERSION,
    fonts: {
      subset: fontIdentity(fonts.subset),
      ...(fonts.fallback ? { fallback: fontIdentity(fonts.fallback) } : {}),
    },
    ...(timeZone === undefined ? {} : { timeZone }),
    ...(publicUrl === undefined ? {} : { publicUrl }),
  };
}
