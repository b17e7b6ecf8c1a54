import { utf8ToBytes } from '@noble/hashes/utils';
import {
  canonicalJson,
  keyId,
  makeDeviceKeyFile,
  readDeviceKeyFile,
  sha256Hex,
  toBase64Url,
  toLowS,
  type EnrolledKey,
  type SealedEnvelope,
  type SealSigner,
} from '../../src/domain/index';
import { webCryptoVerifier } from '../../src/crypto/webcrypto-verifier';
import { imagesOf } from './sealed-audit';

/**
 * Signs any payload exactly as given (canonical bytes, low-S), so a test can make an envelope that is
 * genuinely signed by a chosen key but wrong in some other way, and prove the verifier catches that.
 */
export async function signPayload(payload: unknown, signer: SealSigner, options: { highS?: boolean } = {}) {
  const bytes = utf8ToBytes(canonicalJson(payload));
  const raw = toLowS(await signer.sign(bytes));
  return {
    payload,
    hash: sha256Hex(bytes),
    signature: toBase64Url(options.highS ? highS(raw) : raw),
  };
}

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** The other, equally valid ECDSA signature (r, n − s) of the same bytes. */
export function highS(raw: Uint8Array): Uint8Array {
  let s = 0n;
  for (const b of raw.subarray(32)) s = (s << 8n) | BigInt(b);
  let t = N - s;
  const out = Uint8Array.from(raw);
  for (let i = 63; i >= 32; i--) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return out;
}

/** A bundle entry with the images the seal names (the fixture JPEGs of tests/support/sealed-audit.ts). */
export const entryOf = (envelope: SealedEnvelope | { payload: unknown; hash: string; signature: string }, images = imagesOf()) => {
  const payload = envelope.payload;
  const names =
    typeof payload === 'object' && payload !== null && 'blobs' in payload && Array.isArray(payload.blobs)
      ? payload.blobs.flatMap((b: unknown) =>
          typeof b === 'object' && b !== null && 'id' in b && typeof b.id === 'string' ? [b.id] : [],
        )
      : [];
  return {
    envelope,
    blobs: names.flatMap((id) => {
      const bytes = images.get(id);
      return bytes ? [{ id, type: 'image/jpeg', base64url: toBase64Url(bytes) }] : [];
    }),
  };
};

export const bundleOf = (audits: readonly unknown[]) => ({
  format: 'ducha.bundle',
  version: 1,
  createdAt: '2026-11-30T00:00:00.000Z',
  audits,
});

/** A register entry for a key, made the way `ducha keys add` makes it (key file + confirmed fingerprint). */
export async function enrolmentOf(signer: SealSigner, deviceLabel: string, auditor: string): Promise<EnrolledKey> {
  const file = await makeDeviceKeyFile(signer, { deviceLabel, auditor, createdAt: '2026-11-01T00:00:00.000Z' });
  if (!file.ok) throw new Error(JSON.stringify(file.issues));
  const content = await readDeviceKeyFile(file.value, webCryptoVerifier);
  if (!content.ok) throw new Error(JSON.stringify(content.issues));
  return {
    version: 1,
    keyId: keyId(signer.publicKey),
    publicKey: content.value.file.publicKey,
    deviceLabel,
    auditor,
    enrolledAt: '2026-11-01T00:00:00.000Z',
  };
}

type Path = readonly (string | number)[];

/** Reads a nested value of parsed JSON without trusting its shape. */
export function getAt(value: unknown, path: Path): unknown {
  let here: unknown = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = Reflect.get(here, key);
  }
  return here;
}

/** Sets a nested value of parsed JSON, whatever type it has (attacks need values the types forbid); returns the root. */
export function setAt(value: unknown, path: Path, next: unknown): unknown {
  const parent = getAt(value, path.slice(0, -1));
  const key = path[path.length - 1];
  if (typeof parent !== 'object' || parent === null || key === undefined) throw new Error(`no ${path.join('.')}`);
  Reflect.set(parent, key, next);
  return value;
}

export function removeAt(value: unknown, path: Path): unknown {
  const parent = getAt(value, path.slice(0, -1));
  const key = path[path.length - 1];
  if (typeof parent !== 'object' || parent === null || key === undefined) throw new Error(`no ${path.join('.')}`);
  Reflect.deleteProperty(parent, key);
  return value;
}

export function listAt(value: unknown, path: Path): unknown[] {
  const list = getAt(value, path);
  if (!Array.isArray(list)) throw new Error(`${path.join('.')} is not a list`);
  return list;
}
