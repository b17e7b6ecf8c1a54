import { describe, expect, it } from 'vitest';
import { toBase64 } from './base64';

describe('toBase64', () => {
  it('matches Node for every padding case and for all byte values', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const length of [0, 1, 2, 3, 4, 5, 256]) {
      const bytes = all.subarray(0, length);
      expect(toBase64(bytes), `${String(length)} bytes`).toBe(Buffer.from(bytes).toString('base64'));
    }
    expect(toBase64(new TextEncoder().encode('督查'))).toBe('552j5p+l');
  });
});
