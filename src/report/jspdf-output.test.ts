import { describe, expect, it } from 'vitest';
import { binaryString } from './jspdf-output';

describe('binaryString', () => {
  it('gives every byte as the character of the same code, 0x80–0x9F included', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = binaryString(all);
    expect(text.length).toBe(256);
    expect(Array.from(text, (ch) => ch.charCodeAt(0))).toEqual(Array.from(all));
  });
});
