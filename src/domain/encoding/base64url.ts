import { fail, ok, type Result } from '../result';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const values = new Int16Array(128).fill(-1);
for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;

/** Unpadded base64url (RFC 4648 §5). */
export function toBase64Url(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const n = (a << 16) | (b << 8) | c;
    const left = bytes.length - i;
    chunk +=
      alphabet.charAt((n >> 18) & 63) +
      alphabet.charAt((n >> 12) & 63) +
      (left > 1 ? alphabet.charAt((n >> 6) & 63) : '') +
      (left > 2 ? alphabet.charAt(n & 63) : '');
    // Long strings built by += one char at a time are slow to flatten; join in pieces instead.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * Decodes unpadded base64url in its one canonical form: no padding, no whitespace, no length that leaves
 * a lone character, and zero in the unused tail bits. Two different texts therefore never decode to the
 * same bytes, so what is stored is byte for byte what was sent.
 */
export function decodeBase64Url(text: string): Result<Uint8Array> {
  const rest = text.length % 4;
  if (rest === 1) return fail([{ path: '(root)', message: `not base64url: a length of ${text.length} leaves a lone character` }]);
  const out = new Uint8Array(Math.floor(text.length / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    const count = Math.min(4, text.length - i);
    for (let j = 0; j < 4; j++) {
      let v = 0;
      if (j < count) {
        const code = text.charCodeAt(i + j);
        v = code < 128 ? (values[code] ?? -1) : -1;
        if (v < 0)
          return fail([{ path: '(root)', message: `not base64url: ${JSON.stringify(text.charAt(i + j))} at ${i + j}` }]);
      }
      n = (n << 6) | v;
    }
    out[o++] = (n >> 16) & 0xff;
    if (count > 2) out[o++] = (n >> 8) & 0xff;
    if (count > 3) out[o++] = n & 0xff;
    const tailBits = count === 2 ? n & 0xffff : count === 3 ? n & 0xff : 0;
    if (tailBits !== 0)
      return fail([{ path: '(root)', message: 'not canonical base64url: the unused bits at the end are not zero' }]);
  }
  return ok(out);
}

/** For trusted input made by this program; untrusted text goes through decodeBase64Url. */
export function fromBase64Url(text: string): Uint8Array {
  const decoded = decodeBase64Url(text);
  if (!decoded.ok) throw new Error(decoded.issues[0]?.message ?? 'not base64url');
  return decoded.value;
}
