import { fail, formatPath, ok, type Result } from '../result';
import { sealedAuditFileSchema } from '../seal/audit-export';
import { fromBase64Url, verifyEnvelope, type SealVerifier } from '../seal/seal';
import type { SealedEnvelope } from '../seal/seal-schema';
import { bundleShellSchema } from './bundle-schema';

export type RefusalKind = 'malformed' | 'unsigned' | 'tampered';

export type EntryVerdict =
  | {
      readonly status: 'valid';
      readonly index: number;
      readonly envelope: SealedEnvelope;
      readonly blobs: ReadonlyMap<string, { readonly bytes: Uint8Array; readonly type: string }>;
    }
  | {
      readonly status: 'refused';
      readonly index: number;
      readonly auditId: string | undefined;
      readonly kind: RefusalKind;
      readonly reason: string;
    };

const idOf = (entry: unknown): string | undefined => {
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
  return typeof id === 'string' ? id : undefined;
};

/** Judges one bundle entry: its shape, its seal (signature, hashes, rubric fingerprint, score) and every image. */
export async function checkBundleEntry(
  entry: unknown,
  index: number,
  verify: SealVerifier,
): Promise<EntryVerdict> {
  const auditId = idOf(entry);
  const refuse = (kind: RefusalKind, reason: string): EntryVerdict => ({
    status: 'refused',
    index,
    auditId,
    kind,
    reason,
  });
  if (typeof entry === 'object' && entry !== null && !('envelope' in entry) && 'audit' in entry) {
    return refuse('unsigned', 'the audit carries no seal');
  }
  const parsed = sealedAuditFileSchema.safeParse(entry);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${formatPath(first.path)}: ${first.message}` : 'not a sealed audit';
    return refuse(
      'malformed',
      `not a sealed audit (${where}${parsed.error.issues.length > 1 ? ` and ${parsed.error.issues.length - 1} more` : ''})`,
    );
  }
  const blobs = new Map<string, { bytes: Uint8Array; type: string }>();
  for (const blob of parsed.data.blobs)
    blobs.set(blob.id, { bytes: fromBase64Url(blob.base64url), type: blob.type });
  const check = await verifyEnvelope(
    parsed.data.envelope,
    verify,
    new Map([...blobs].map(([id, b]) => [id, b.bytes])),
  );
  if (check.status === 'malformed')
    return refuse('malformed', check.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  if (check.status === 'tampered')
    return refuse('tampered', check.findings.map((f) => `${f.what}: ${f.message}`).join('; '));
  if (check.envelope.payload.audit.status !== 'finalised')
    return refuse('malformed', 'the sealed audit is not finalised');
  return { status: 'valid', index, envelope: check.envelope, blobs };
}

/**
 * Checks a whole bundle. A file that is not a bundle at all is an error (nothing may be written);
 * otherwise every entry gets a verdict of its own.
 */
export async function checkBundle(input: unknown, verify: SealVerifier): Promise<Result<EntryVerdict[]>> {
  const shell = bundleShellSchema.safeParse(input);
  if (!shell.success) {
    return fail(shell.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  const verdicts: EntryVerdict[] = [];
  for (const [index, entry] of shell.data.audits.entries())
    verdicts.push(await checkBundleEntry(entry, index, verify));
  return ok(verdicts);
}
