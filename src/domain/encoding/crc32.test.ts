import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Update, CRC32_START } from './crc32';

describe('crc32', () => {
  it('gives the standard check values', () => {
    // The CRC-32 "check" value of the catalogue of parametrised CRCs, and the CRC of nothing.
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(strToU8('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('is the same fed whole or in pieces of any length (the eight-byte path and the byte path agree)', () => {
    const bytes = Uint8Array.from({ length: 1001 }, (_, i) => (i * 131 + 7) & 0xff);
    const whole = crc32(bytes);
    for (const cut of [0, 1, 7, 8, 9, 500, 1000, 1001]) {
      const pieces = crc32Update(crc32Update(CRC32_START, bytes.subarray(0, cut)), bytes.subarray(cut));
      expect(pieces).toBe(whole);
    }
  });
});
