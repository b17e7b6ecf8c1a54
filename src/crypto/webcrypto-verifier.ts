import type { SealVerifier } from '../domain/index';

const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Verifies a seal with WebCrypto: the same code in the browser and in Node (globalThis.crypto). */
export const webCryptoVerifier: SealVerifier = async (publicKey, signature, data) => {
  const key = await globalThis.crypto.subtle.importKey('jwk', publicKey, algorithm, false, ['verify']);
  return globalThis.crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    Uint8Array.from(signature),
    Uint8Array.from(data),
  );
};
