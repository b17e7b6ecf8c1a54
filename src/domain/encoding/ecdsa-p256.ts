/**
 * ECDSA signatures are malleable: (r, s) and (r, n − s) both verify. Seals accept only the low-S form, so
 * one sealed record has exactly one valid byte string, and signers normalise before they hand one out.
 */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_N = N >> 1n;

const toBigInt = (bytes: Uint8Array): bigint => {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
};

const toBytes32 = (n: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
};

export type RawSignatureForm = 'low-s' | 'high-s' | 'invalid';

/** Raw r‖s (64 bytes): low-S, high-S, or not a signature at all (wrong length, r or s zero or ≥ n). */
export function signatureForm(raw: Uint8Array): RawSignatureForm {
  if (raw.length !== 64) return 'invalid';
  const r = toBigInt(raw.subarray(0, 32));
  const s = toBigInt(raw.subarray(32));
  if (r === 0n || r >= N || s === 0n || s >= N) return 'invalid';
  return s > HALF_N ? 'high-s' : 'low-s';
}

/** The low-S twin of a raw signature (unchanged when it already is low-S). */
export function toLowS(raw: Uint8Array): Uint8Array {
  if (signatureForm(raw) !== 'high-s') return raw;
  const out = new Uint8Array(64);
  out.set(raw.subarray(0, 32), 0);
  out.set(toBytes32(N - toBigInt(raw.subarray(32))), 32);
  return out;
}
