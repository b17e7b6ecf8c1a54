import { decodeBase64Url } from '../encoding/base64url';
import { exceedsDepth, MAX_JSON_DEPTH } from '../encoding/json-depth';
import { formatPath } from '../result';
import { sealedAuditFileSchema } from '../seal/audit-export';
import { verifyEnvelope, type SealVerifier, type VerifyOptions } from '../seal/seal';
import type { SealedEnvelope, SealedImageType } from '../seal/seal-schema';
import { bundleShellSchema } from './bundle-schema';
import { bundleOk, schemaProblem, type BundleProblem, type BundleRead } from './bundle-problem';

export type RefusalKind = 'malformed' | 'unsigned' | 'tampered';

export interface VerifiedBlob {
  readonly bytes: Uint8Array;
  readonly type: SealedImageType;
}

export type EntryVerdict =
  | {
      readonly status: 'valid';
      readonly index: number;
      readonly envelope: SealedEnvelope;
      /** The signer's full key id. A valid seal says only that this key signed; a register says whose it is. */
      readonly signer: string;
      /** Exactly the sealed images, each checked against its hash and type. */
      readonly blobs: ReadonlyMap<string, VerifiedBlob>;
    }
  | {
      readonly status: 'refused';
      readonly index: number;
      readonly auditId: string | undefined;
      readonly kind: RefusalKind;
      /** In English, for the CLI and the app's 详情. */
      readonly reason: string;
      /** The same as data, for the app to say in the reader's language. */
      readonly problem: BundleProblem;
    };
export type ValidEntry = Extract<EntryVerdict, { status: 'valid' }>;

export const idOf = (entry: unknown): string | undefined => {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const envelope = 'envelope' in entry ? entry.envelope : undefined;
  const payload =
    typeof envelope === 'object' && envelope !== null && 'payload' in envelope ? envelope.payload : undefined;
  const audit =
    typeof payload === 'object' && payload !== null && 'audit' in payload
      ? payload.audit
      : 'audit' in entry
        ? entry.audit
        : undefined;
  const id = typeof audit === 'object' && audit !== null && 'id' in audit ? audit.id : undefined;
  return typeof id === 'string' && id.length <= 100 ? id : undefined;
};

/**
 * Judges one bundle entry: its shape, its seal (exact bytes, signature, rubric, answers, score) and its
 * image files, which must be exactly the sealed ones in one canonical encoding. Never throws: whatever
 * goes wrong refuses this entry alone.
 */
export async function checkBundleEntry(
  entry: unknown,
  index: number,
  verify: SealVerifier,
): Promise<EntryVerdict> {
  const auditId = idOf(entry);
  const refuse = (kind: RefusalKind, reason: string, problem: BundleProblem): EntryVerdict => ({
    status: 'refused',
    index,
    auditId,
    kind,
    reason,
    problem,
  });
  const image = (code: BundleProblem['code'], field: string, id: string): BundleProblem => ({ code, field, subject: id });
  try {
    if (typeof entry === 'object' && entry !== null && !('envelope' in entry) && 'audit' in entry)
      return refuse('unsigned', 'the audit carries no seal', { code: 'noSeal' });
    if (exceedsDepth(entry, MAX_JSON_DEPTH + 1))
      return refuse('malformed', `not a sealed audit (nested deeper than ${MAX_JSON_DEPTH} levels)`, { code: 'tooDeep' });
    const parsed = sealedAuditFileSchema.safeParse(entry);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `${formatPath(first.path)}: ${first.message}` : 'not a sealed audit';
      const more = parsed.error.issues.length > 1 ? ` and ${parsed.error.issues.length - 1} more` : '';
      return refuse('malformed', `not a sealed audit (${where}${more})`, schemaProblem(parsed.error.issues, 'shape'));
    }
    const received =
      typeof entry === 'object' && entry !== null && 'envelope' in entry ? entry.envelope : undefined;
    // Image files are matched against the seal's list first; the seal itself is checked once, below.
    const sealed = new Map(parsed.data.envelope.payload.blobs.map((b) => [b.id, b]));
    const blobs = new Map<string, VerifiedBlob>();
    for (const [i, file] of parsed.data.blobs.entries()) {
      const where = `blobs[${i}]`;
      const blob = sealed.get(file.id);
      if (!blob)
        return refuse('tampered', `${where}: image ${file.id} is not named by the seal`, image('imageUnsealed', where, file.id));
      if (blobs.has(file.id))
        return refuse('malformed', `${where}: image ${file.id} is given twice`, image('imageTwice', where, file.id));
      if (file.type !== blob.type)
        return refuse(
          'tampered',
          `${where}: image ${file.id} is sealed as ${blob.type}, not ${file.type}`,
          image('imageType', where, file.id),
        );
      const bytes = decodeBase64Url(file.base64url);
      if (!bytes.ok)
        return refuse(
          'malformed',
          `${where}.base64url: ${bytes.issues[0]?.message ?? 'not base64url'}`,
          image('imageEncoding', `${where}.base64url`, file.id),
        );
      blobs.set(file.id, { bytes: bytes.value, type: blob.type });
    }
    return await checkSealedEntry(received, new Map([...blobs].map(([id, b]) => [id, b.bytes])), index, auditId, verify);
  } catch (error) {
    return refuse('malformed', `could not be checked: ${error instanceof Error ? error.message : String(error)}`, {
      code: 'unreadable',
    });
  }
}

/**
 * Judges one envelope as received with its image files already read (v1 decodes them from base64url, v2
 * reads them as binary zip entries): the seal over the exact bytes, then every image against its hash and
 * sealed type. Shared by both bundle formats so a verdict means the same whichever way the audit arrived.
 */
export async function checkSealedEntry(
  received: unknown,
  images: ReadonlyMap<string, Uint8Array>,
  index: number,
  auditId: string | undefined,
  verify: SealVerifier,
  options?: VerifyOptions,
  /** The zip entry the envelope came from (format 2); format 1 envelopes sit at `envelope` in their entry. */
  entry?: string,
): Promise<EntryVerdict> {
  const withImages = await verifyEnvelope(received, verify, images, options);
  if (withImages.status === 'malformed') {
    const first = withImages.issues[0]?.path;
    const field = first === undefined || first === '(root)' ? undefined : entry === undefined ? `envelope.${first}` : first;
    return {
      status: 'refused',
      index,
      auditId,
      kind: 'malformed',
      reason: withImages.issues.map((i) => `envelope.${i.path}: ${i.message}`).join('; '),
      problem: {
        code: 'shape',
        ...(entry === undefined ? {} : { entry }),
        ...(field === undefined ? {} : { field, fieldProblem: 'invalid' }),
      },
    };
  }
  if (withImages.status === 'tampered')
    return {
      status: 'refused',
      index,
      auditId,
      kind: 'tampered',
      reason: withImages.findings.map((f) => `${f.what}: ${f.message}`).join('; '),
      // Which parts were changed (seal, rubric, score, photo, signature), each named once.
      problem: {
        code: 'tampered',
        ...(entry === undefined ? {} : { entry }),
        subject: [...new Set(withImages.findings.map((f) => f.what))].join(','),
      },
    };
  // Typed by the seal: verifyEnvelope has just checked that each image's bytes are the sealed type.
  const blobs = new Map<string, VerifiedBlob>();
  for (const blob of withImages.envelope.payload.blobs) {
    const bytes = images.get(blob.id);
    if (bytes) blobs.set(blob.id, { bytes, type: blob.type });
  }
  return { status: 'valid', index, envelope: withImages.envelope, signer: withImages.signer, blobs };
}

/**
 * Checks a whole bundle. A file that is not a bundle at all is an error (nothing may be written);
 * otherwise every entry gets a verdict of its own.
 */
export async function checkBundle(input: unknown, verify: SealVerifier): Promise<BundleRead<EntryVerdict[]>> {
  const shell = bundleShellSchema.safeParse(input);
  if (!shell.success) {
    return {
      ok: false,
      issues: shell.error.issues.map((i) => ({
        path: formatPath(i.path),
        message: i.message,
        problem: schemaProblem([i], 'notBundle'),
      })),
    };
  }
  const verdicts: EntryVerdict[] = [];
  for (const [index, entry] of shell.data.audits.entries())
    verdicts.push(await checkBundleEntry(entry, index, verify));
  return bundleOk(verdicts);
}
