import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { nodeVerifier } from './node-verifier';
import { webCryptoVerifier } from './webcrypto-verifier';
import { sha256Hex } from '../domain/index';

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const toBig = (bytes: Uint8Array): bigint => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
function otherS(raw: Uint8Array): Uint8Array {
  const out = Uint8Array.from(raw);
  let t = N - toBig(raw.subarray(32));
  for (let i = 63; i >= 32; i--) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return out;
}

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw new Error('no coordinates');
  const sealKey = { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x, y: jwk.y };
  return { privateKey, publicKey: sealKey };
}

describe('nodeVerifier', () => {
  it('gives the same answer as WebCrypto for genuine, altered and malformed signatures and keys', async () => {
    const a = keyPair();
    const b = keyPair();
    const data = new TextEncoder().encode('{"audit":"KF01 符合"}');
    const good = new Uint8Array(sign('sha256', data, { key: a.privateKey, dsaEncoding: 'ieee-p1363' }));
    const flipped = Uint8Array.from(good);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    const offCurve = { ...a.publicKey, y: a.publicKey.x };
    const cases = [
      ['genuine', a.publicKey, good, data, true],
      ['the high-S twin (valid ECDSA; the seal rules refuse it before this)', a.publicKey, otherS(good), data, true],
      ['another key', b.publicKey, good, data, false],
      ['one bit of the signature flipped', a.publicKey, flipped, data, false],
      ['other data', a.publicKey, good, new TextEncoder().encode('{"audit":"KF01 不符合"}'), false],
      ['all zero', a.publicKey, new Uint8Array(64), data, false],
      ['63 bytes', a.publicKey, good.subarray(0, 63), data, false],
      ['a DER signature', a.publicKey, new Uint8Array(sign('sha256', data, a.privateKey)), data, false],
      ['a key off the curve', offCurve, good, data, false],
    ] as const;
    for (const [name, key, signature, bytes, expected] of cases) {
      expect(await nodeVerifier(key, signature, bytes), name).toBe(expected);
      expect(await webCryptoVerifier(key, signature, bytes).catch(() => false), name).toBe(expected);
    }
  });

  it('hashes as the portable SHA-256 does, as WebCrypto does', async () => {
    const bytes = new TextEncoder().encode('督查 Ducha');
    for (const verifier of [nodeVerifier, webCryptoVerifier]) {
      const native = await verifier.sha256?.(bytes);
      expect(native && Buffer.from(native).toString('hex')).toBe(sha256Hex(bytes));
    }
  });
});
