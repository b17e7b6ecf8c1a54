import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64Url, signatureForm, toBase64Url, toLowS, type SealSigner } from '../../src/domain/head-office';
import { webCryptoVerifier } from '../../src/crypto/webcrypto-verifier';
import { nodeSigner } from '../support/sealed-audit';
import { highS } from '../support/trust';

let tablet: SealSigner;

beforeAll(async () => {
  tablet = await nodeSigner();
});

describe('ECDSA and base64url have one form each', () => {
  it('normalises signatures to low-S and tells the twins apart', async () => {
    const data = new TextEncoder().encode('督查');
    for (let i = 0; i < 8; i++) {
      const low = toLowS(await tablet.sign(data));
      expect(signatureForm(low)).toBe('low-s');
      const high = highS(low);
      expect(signatureForm(high)).toBe('high-s');
      // Both verify with WebCrypto: that is exactly why a receiver must refuse one of them.
      expect(await webCryptoVerifier(tablet.publicKey, high, data)).toBe(true);
      expect(toLowS(high)).toEqual(low);
    }
    expect(signatureForm(new Uint8Array(64))).toBe('invalid');
    expect(signatureForm(new Uint8Array(63).fill(1))).toBe('invalid');
  });

  it('decodes only canonical base64url', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
      const text = toBase64Url(bytes);
      const back = decodeBase64Url(text);
      expect(back.ok && back.value).toEqual(bytes);
    }
    expect(toBase64Url(new Uint8Array([251, 255]))).toBe('-_8');
    expect(decodeBase64Url('-_8').ok).toBe(true);
    expect(decodeBase64Url('-_9').ok).toBe(false); // same bytes, a stray tail bit
    expect(decodeBase64Url('-_8=').ok).toBe(false);
    expect(decodeBase64Url('-_ 8').ok).toBe(false);
    expect(decodeBase64Url('A').ok).toBe(false);
    expect(decodeBase64Url('QQ').ok).toBe(true);
    expect(decodeBase64Url('QR').ok).toBe(false);
  });
});

