import { open } from 'node:fs/promises';
import {
  DEFAULT_BUNDLE_LIMITS,
  formatIssue,
  readBundle as readAnyBundle,
  type BundleContents,
  type BundleLimits,
  type BundleRead,
  type ByteSource,
  shortKeyId,
  type EntryVerdict,
} from '../../domain/head-office';
import type { Signer } from '../../domain/wire';
import { nodeCrc32 } from '../../crypto/node-crc32';
import { nodeVerifier } from '../../crypto/node-verifier';
import type { CliIo } from '../io';
import type { SignerSource } from './verify';

/** Reads what is asked of a file from disk, so a v2 bundle is never in memory whole. */
async function withFileSource<T>(file: string, work: (source: ByteSource) => Promise<T>): Promise<T> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    return await work({
      size,
      async read(offset, length) {
        const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
        let at = 0;
        while (at < buffer.length) {
          const { bytesRead } = await handle.read(buffer, at, buffer.length - at, offset + at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
        return buffer.subarray(0, at);
      },
    });
  } finally {
    await handle.close();
  }
}

/** `--max-size` in bytes, or with a unit: 500M, 2G. */
export function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!match) return Number.NaN;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

export async function readBundleFile(
  file: string,
  io: CliIo,
  limits: BundleLimits,
): Promise<BundleContents | undefined> {
  let checked: BundleRead<BundleContents>;
  try {
    checked = await withFileSource(file, (source) => readAnyBundle(source, nodeVerifier, limits, { crc32: nodeCrc32 }));
  } catch (error) {
    io.err(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (!checked.ok) {
    // Whole-file problems carry the path "(file)": the message alone says it.
    for (const issue of checked.issues)
      io.err(
        `${file}: ${issue.path === '(file)' || issue.path === '(json)' ? issue.message : formatIssue(issue)} (nothing written)`,
      );
    return undefined;
  }
  // Entries no audit uses are said once, here; they make the exit code 1 (a bundle as Ducha writes it has none)
  // but refuse nothing.
  for (const unused of checked.value.unusedEntries) io.out(`${file}: unused entry ${unused.entry}: ${unused.reason}`);
  return checked.value;
}

const refusal = (v: Extract<EntryVerdict, { status: 'refused' }>): string =>
  `refused audits[${v.index}]${v.auditId ? ` ${v.auditId}` : ''}: ${v.kind}: ${v.reason}`;

/** Who signed, for the terminal: the enrolled device and auditor, or the bare fingerprint. */
function signerText(signer: Signer | undefined, keyIdHex: string): string {
  if (signer === undefined) return `key ${shortKeyId(keyIdHex)} (not checked against a key register)`;
  if (signer.status === 'not-enrolled') return `unenrolled key ${shortKeyId(keyIdHex)}`;
  return `${signer.deviceLabel} / ${signer.auditor} (${shortKeyId(keyIdHex)}${signer.revokedAt ? `, revoked ${signer.revokedAt}` : ''})`;
}

/**
 * `ducha verify <bundle> [--server URL | --data-dir DIR]`: every audit's seal, hashes and images, and who
 * signed it by head office's key register. Exit 0 only when every audit is valid and signed by an enrolled,
 * unrevoked key; 3 when all are intact but some signer is not enrolled or was not checked (a seal alone
 * proves only that *somebody* signed).
 */
export async function verifyBundleCommand(
  file: string,
  signers: SignerSource | undefined,
  io: CliIo,
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
): Promise<number> {
  const contents = await readBundleFile(file, io, limits);
  if (contents === undefined) return 1;
  const { verdicts } = contents;
  let refused = 0;
  let unknown = 0;
  // One question per key, not per audit: a tablet's month is hundreds of audits by one key.
  const asked = new Map<string, Signer | undefined>();
  for (const verdict of verdicts) {
    if (verdict.status === 'refused') {
      io.out(`${file}: ${refusal(verdict)}`);
      refused++;
      continue;
    }
    const { audit } = verdict.envelope.payload;
    let signer = asked.get(verdict.signer);
    if (!asked.has(verdict.signer) && signers) {
      const looked = await signers(verdict.envelope);
      if (!looked.ok) io.err(`${file}: head office could not be asked who key ${shortKeyId(verdict.signer)} belongs to: ${looked.message}`);
      signer = looked.ok ? looked.signer : undefined;
      asked.set(verdict.signer, signer);
    }
    const isRevoked = signer?.status === 'revoked';
    const isEnrolled = signer?.status === 'enrolled';
    if (!isEnrolled && !isRevoked) unknown++;
    if (isRevoked) refused++;
    const verdictWord = isRevoked
      ? 'refused (sealed after its key was revoked)'
      : isEnrolled
        ? 'valid'
        : signer === undefined
          ? 'intact, signer unknown'
          : 'intact, signer not enrolled (待确认签名)';
    io.out(
      `${file}: ${verdictWord} audits[${verdict.index}] ${audit.id} ${audit.rubricId} ${audit.site.name} r${audit.revision}, signed by ${signerText(signer, verdict.signer)}`,
    );
  }
  io.out(
    `${file}: ${verdicts.length - refused - unknown} valid, ${unknown} signer not enrolled, ${refused} refused`,
  );
  if (!signers && unknown > 0)
    io.out(`${file}: signers were not checked: name head office with --server <its URL> or --data-dir <its data dir>`);
  return refused > 0 || contents.unusedEntries.length > 0 ? 1 : unknown > 0 ? 3 : 0;
}
