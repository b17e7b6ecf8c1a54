/**
 * CRC-32 (the zip and PNG polynomial, reflected 0xEDB88320), fed in pieces so a caller can check data as it
 * arrives. Slicing by eight: eight table lookups per eight bytes instead of one per byte, which keeps the check
 * cheap beside inflating (fflate keeps its own CRC private).
 */
const TABLES: readonly Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const [first] = tables;
  if (first === undefined) throw new Error('unreachable');
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    first[n] = c >>> 0;
  }
  for (let t = 1; t < 8; t++) {
    const previous = tables[t - 1];
    const table = tables[t];
    if (previous === undefined || table === undefined) throw new Error('unreachable');
    for (let n = 0; n < 256; n++) {
      const c = previous[n] ?? 0;
      table[n] = ((first[c & 0xff] ?? 0) ^ (c >>> 8)) >>> 0;
    }
  }
  return tables;
})();

/** The CRC state before any byte: pass it to the first `crc32Update`. */
export const CRC32_START = 0;

/** The CRC of `previous`'s bytes followed by `bytes`; start from CRC32_START (= the CRC of nothing). */
export function crc32Update(previous: number, bytes: Uint8Array): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  if (!t0 || !t1 || !t2 || !t3 || !t4 || !t5 || !t6 || !t7) throw new Error('unreachable');
  let c = ~previous >>> 0;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  // `?? 0` only satisfies the type checker: every index is a byte (0..255) or below the length.
  for (; i < end8; i += 8) {
    const a = ((bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24)) ^ c;
    const b = (bytes[i + 4] ?? 0) | ((bytes[i + 5] ?? 0) << 8) | ((bytes[i + 6] ?? 0) << 16) | ((bytes[i + 7] ?? 0) << 24);
    c =
      (t7[a & 0xff] ?? 0) ^
      (t6[(a >>> 8) & 0xff] ?? 0) ^
      (t5[(a >>> 16) & 0xff] ?? 0) ^
      (t4[a >>> 24] ?? 0) ^
      (t3[b & 0xff] ?? 0) ^
      (t2[(b >>> 8) & 0xff] ?? 0) ^
      (t1[(b >>> 16) & 0xff] ?? 0) ^
      (t0[b >>> 24] ?? 0);
  }
  for (; i < bytes.length; i++) c = (t0[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

export const crc32 = (bytes: Uint8Array): number => crc32Update(CRC32_START, bytes);
