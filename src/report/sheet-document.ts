import type { SealedEnvelope } from '../domain/index';
import { toBase64 } from './base64';
import type { SheetFont } from './font-choice';

// What every renderer version writes the same way: the markers a verifier finds the seal by, the UTC
// creation date and the short hash. Changing any of these changes the bytes of every version's sheets.

export const SEAL_BEGIN = 'DUCHA-SEAL-BEGIN:';
export const SEAL_END = ':DUCHA-SEAL-END';
export const SEAL_NAMESPACE = 'https://ducha.invalid/seal/1.0/';

/** "sha256:abcd…" → "abcd ef01 2345 6789", the short form printed beside the QR code. */
export const shortHash = (hash: string): string => (hash.slice(0, 16).match(/.{4}/g) ?? []).join(' ');

export function utf8Base64(text: string): string {
  return toBase64(new TextEncoder().encode(text));
}

/**
 * How renderer 3 on writes JSON between the markers: as it is (the XMP block is compressed, and base64
 * hid the repetition deflate finds: a KF3 seal took 9 KB, now 6 KB), with every hyphen inside a string
 * written \u002d. Every marker contains "DUCHA-", and outside strings a hyphen is only a minus sign
 * (after ":", "," or "[", or an exponent's "e"), so no note or name can end the block early, whatever it
 * says. `json` is canonical JSON.
 */
export function markerSafeJson(json: string): string {
  let out = '';
  let isInString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i] ?? '';
    if (isInString && ch === '\\') {
      out += ch + (json[i + 1] ?? '');
      i += 1;
    } else {
      if (ch === '"') isInString = !isInString;
      out += isInString && ch === '-' ? '\\u002d' : ch;
    }
  }
  return out;
}

/**
 * A PDF date in UTC. Given a Date, jsPDF writes local time with the machine's offset, so the same sheet
 * made in Shanghai and in a UTC container would differ; the string form is written as it is.
 */
export function pdfDateUtc(iso: string): string {
  const date = new Date(iso);
  const year = date.getUTCFullYear();
  // jsPDF rejects date strings outside 1970–2037; a fixed date keeps such a sheet reproducible.
  if (Number.isNaN(date.getTime()) || year < 1970 || year > 2037) return "D:19700101000000+00'00'";
  const two = (n: number) => String(n).padStart(2, '0');
  return `D:${String(year)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}+00'00'`;
}

export interface ScoreSheetAssets {
  readonly fonts: { readonly subset: SheetFont; readonly fallback?: SheetFont };
  /** JPEG bytes of every photo and signature image, by blob id; embedded unchanged so their hashes can be checked. */
  readonly images: ReadonlyMap<string, Uint8Array>;
  /** The sealed envelope of a finalised audit; without it the sheet is marked 未签章. */
  readonly seal?: SealedEnvelope;
  /**
   * The IANA zone every time on the sheet is printed in and named by (renderer 3 on; default
   * Asia/Shanghai). Recorded beside the seal, so a verifier re-makes the sheet in the same zone.
   */
  readonly timeZone?: string;
  /**
   * Head office's public base URL (renderer 4 on), e.g. https://ducha.example.com: a sealed sheet then
   * names `<publicUrl>/#/verify` in its QR code and footer. Recorded beside the seal; without it the sheet
   * prints the command-line check as before.
   */
  readonly publicUrl?: string;
}

export interface ScoreSheet {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly pageCount: number;
  /** Characters no available font could draw; printed as □ and listed on the sheet. */
  readonly missingCharacters: readonly string[];
  readonly usedFallbackFont: boolean;
}
