import { describe, expect, it } from 'vitest';
import { crc32 } from '../domain/head-office';
import { nodeCrc32 } from './node-crc32';

describe('nodeCrc32', () => {
  it('gives what the domain’s CRC-32 gives, so the CLI and server refuse exactly what the app refuses', () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 2654435761) >>> 24);
    for (const slice of [bytes.subarray(0, 0), bytes.subarray(0, 9), bytes.subarray(5), bytes]) expect(nodeCrc32(slice)).toBe(crc32(slice));
    expect(nodeCrc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
