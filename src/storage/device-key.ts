import { keyFingerprint, publicKeyJwkSchema, type PublicKeyJwk, type SealSigner } from '../domain/index';
import type { DuchaDb } from './db';
import { StorageError } from './storage-error';

const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface DeviceSigner extends SealSigner {
  readonly fingerprint: string;
}

/**
 * The device's ECDSA P-256 key, created on first use and kept in IndexedDB. The private key is
 * non-extractable. Where the browser cannot store a CryptoKey (Safari private mode throws
 * DataCloneError) sealing is refused with a clear message rather than using a key that would vanish.
 */
export async function getDeviceSigner(db: DuchaDb, now: () => string): Promise<DeviceSigner> {
  const subtle = globalThis.crypto.subtle;
  let row = await db.deviceKeys.get('device');
  if (row === undefined) {
    const pair = await subtle.generateKey(algorithm, false, ['sign', 'verify']);
    const publicKey = publicKeyJwkSchema.parse(await subtle.exportKey('jwk', pair.publicKey));
    const created = { id: 'device' as const, privateKey: pair.privateKey, publicKey, createdAt: now() };
    try {
      // add, not put: if another tab created a key first, keep that one.
      await db.deviceKeys.add(created);
    } catch (error) {
      if (error instanceof Error && error.name === 'DataCloneError') {
        throw new StorageError(
          'unavailable',
          'this browser cannot keep a signing key (private mode?); audits cannot be sealed here',
          {
            cause: error,
          },
        );
      }
    }
    row = await db.deviceKeys.get('device');
    if (row === undefined)
      throw new StorageError('unavailable', 'the device signing key could not be stored');
  }
  const publicKey: PublicKeyJwk = publicKeyJwkSchema.parse(row.publicKey);
  const { privateKey } = row;
  return {
    publicKey,
    fingerprint: keyFingerprint(publicKey),
    sign: async (data) => new Uint8Array(await subtle.sign(signing, privateKey, Uint8Array.from(data))),
  };
}
