import { strFromU8 } from 'fflate';
import { exceedsDepth, MAX_JSON_DEPTH } from '../encoding/json-depth';
import { fail, formatIssue, formatPath, ok, type Issue, type Result } from '../result';
import { rubricFingerprint } from '../rubric/fingerprint';
import { parseRubric } from '../rubric/parse-rubric';
import type { SealVerifier } from '../seal/seal';
import { bundleAuditEntrySchema, bundleManifestSchema, payloadImageRefsSchema } from './bundle-v2-schema';
import { checkBundle, checkSealedEntry, type EntryVerdict, type RefusalKind } from './check-bundle';
import {
  formatBytes,
  isSafeEntryName,
  readZipDirectory,
  readZipEntry,
  windowedSource,
  type ByteSource,
  type ZipEntry,
  type ZipLimits,
} from './zip-reader';

export type BundleLimits = ZipLimits;

const MiB = 1024 * 1024;
/**
 * The CLI's defaults (`--max-size` changes the file limit). A photo is ≈300 KB and a rubric tens of KB, so 64 MiB
 * for one entry is generous; JSON envelopes compress about 10×, so 100× is far beyond any real bundle.
 */
export const DEFAULT_BUNDLE_LIMITS: BundleLimits = {
  maxFileBytes: 2 * 1024 * MiB,
  maxEntryBytes: 64 * MiB,
  maxTotalBytes: 8 * 1024 * MiB,
  maxRatio: 100,
};

export type BundleFormat = 'zip' | 'json';

/** By content, never by file name: a zip starts `PK\x03\x04`, a v1 bundle is JSON (`{`, after a BOM or spaces). */
export function detectBundleFormat(head: Uint8Array): BundleFormat | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return head[i] === 0x7b ? 'json' : undefined;
}

const fileIssue = (message: string): Issue[] => [{ path: '(file)', message }];

/**
 * Reads a bundle of either format into one verdict per entry, so intake has one code path. A file that is not
 * a bundle, or breaks a whole-file limit, is an error and nothing may be written; otherwise each entry is judged
 * on its own.
 */
export async function readBundle(
  source: ByteSource,
  verify: SealVerifier,
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
): Promise<Result<EntryVerdict[]>> {
  if (source.size > limits.maxFileBytes)
    return fail(fileIssue(`the file is ${formatBytes(source.size)}, over the limit of ${formatBytes(limits.maxFileBytes)}`));
  const format = detectBundleFormat(await source.read(0, Math.min(source.size, 64)));
  if (format === 'zip') return readBundleV2(source, verify, limits);
  if (format === 'json') {
    let json: unknown;
    try {
      json = JSON.parse(strFromU8(await source.read(0, source.size)).replace(/^\uFEFF/, ''));
    } catch (error) {
      // "(json)": the file began as JSON and is not; the app says so in those words.
      return fail([{ path: '(json)', message: `not a Ducha bundle: not JSON (${error instanceof Error ? error.message : String(error)})` }]);
    }
    const checked = await checkBundle(json, verify);
    if (!checked.ok) return fail(checked.issues.map((i) => ({ path: '(file)', message: `not a Ducha bundle: ${formatIssue(i)}` })));
    return checked;
  }
  return fail(fileIssue('not a Ducha bundle: neither a zip (format 2) nor JSON (format 1)'));
}

const AUDIT_PATH = /^audits\/[^/]+\.json$/;
const RUBRIC_PATH = /^rubrics\/([0-9a-f]{64})\.json$/;
const IMAGE_PATH = /^images\/([0-9a-f]{64})$/;

function parseJson(bytes: Uint8Array, name: string): Result<unknown> {
  try {
    const json: unknown = JSON.parse(strFromU8(bytes));
    if (exceedsDepth(json, MAX_JSON_DEPTH + 1))
      return fail([{ path: name, message: `${name} is nested deeper than ${MAX_JSON_DEPTH} levels` }]);
    return ok(json);
  } catch (error) {
    return fail([{ path: name, message: `${name} is not JSON (${error instanceof Error ? error.message : String(error)})` }]);
  }
}

const auditIdOf = (payload: Record<string, unknown>): string | undefined => {
  const audit = payload.audit;
  const id = typeof audit === 'object' && audit !== null && 'id' in audit ? audit.id : undefined;
  return typeof id === 'string' && id.length <= 100 ? id : undefined;
};

/** Bundle format v2 (see bundle-v2-schema.ts): every rubric read, validated and fingerprinted once. */
export async function readBundleV2(
  rawSource: ByteSource,
  verify: SealVerifier,
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
): Promise<Result<EntryVerdict[]>> {
  const source = windowedSource(rawSource);
  const directory = await readZipDirectory(source, limits);
  if (!directory.ok) return directory;
  const byName = new Map<string, ZipEntry[]>();
  for (const entry of directory.value) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);

  // One entry by name: missing, given twice, or too large refuses whoever needs it.
  const entryBytes = async (name: string): Promise<Result<Uint8Array>> => {
    const found = byName.get(name) ?? [];
    const [entry] = found;
    if (!entry) return fail([{ path: name, message: `${name} is missing from the bundle` }]);
    if (found.length > 1) return fail([{ path: name, message: `${name} appears ${found.length} times in the zip` }]);
    return readZipEntry(source, entry, limits);
  };

  const manifestBytes = await entryBytes('manifest.json');
  if (!manifestBytes.ok) return fail(fileIssue(`not a Ducha bundle: ${manifestBytes.issues[0]?.message ?? ''}`));
  const manifestJson = parseJson(manifestBytes.value, 'manifest.json');
  if (!manifestJson.ok) return fail(fileIssue(`not a Ducha bundle: ${manifestJson.issues[0]?.message ?? ''}`));
  const manifest = bundleManifestSchema.safeParse(manifestJson.value);
  if (!manifest.success)
    return fail(
      manifest.error.issues.map((i) => ({ path: '(file)', message: `not a Ducha bundle: manifest.json: ${formatPath(i.path)}: ${i.message}` })),
    );

  // Rubrics are few and shared: each file is read, parsed, validated and fingerprinted once, and the very same
  // object is put back into every envelope that names it (so verification can skip re-checking it).
  const rubrics = new Map<string, Result<object>>();
  const checkedRubrics = new Map<object, string>();
  const rubricOf = async (hex: string): Promise<Result<object>> => {
    const cached = rubrics.get(hex);
    if (cached) return cached;
    const name = `rubrics/${hex}.json`;
    const result = await (async (): Promise<Result<object>> => {
      const bytes = await entryBytes(name);
      if (!bytes.ok) return bytes;
      const json = parseJson(bytes.value, name);
      if (!json.ok) return json;
      const parsed = parseRubric(json.value);
      if (!parsed.ok)
        return fail([{ path: name, message: `${name} is not a valid rubric (${parsed.issues[0]?.path}: ${parsed.issues[0]?.message})` }]);
      const fingerprint = rubricFingerprint(parsed.value);
      if (fingerprint !== `sha256:${hex}`)
        return fail([{ path: name, message: `${name} is not the rubric its name says (its fingerprint is ${fingerprint})` }]);
      // parseRubric never transforms, so the object read is the rubric validated.
      if (typeof json.value !== 'object' || json.value === null) return fail([{ path: name, message: `${name} is not an object` }]);
      checkedRubrics.set(json.value, fingerprint);
      return ok(json.value);
    })();
    rubrics.set(hex, result);
    return result;
  };

  // Signatures are checked by the platform off this thread: keeping several in flight lets reading and checking
  // the next envelopes overlap with them. Verdicts keep the manifest's order.
  // Images are shared between audits (signatures, a site's repeated photo): read once, held once.
  const imageCache = new Map<string, Result<Uint8Array>>();
  const imageBytes = async (sha256: string): Promise<Result<Uint8Array>> => {
    const cached = imageCache.get(sha256);
    if (cached) return cached;
    const read = await entryBytes(`images/${sha256}`);
    imageCache.set(sha256, read);
    return read;
  };
  const verdicts: Promise<EntryVerdict>[] = [];
  const inFlight: Promise<EntryVerdict>[] = [];
  const listed = new Set<string>();
  for (const [index, { path }] of manifest.data.audits.entries()) {
    if (inFlight.length >= 32) await inFlight.shift();
    const refuse = (kind: RefusalKind, reason: string, auditId?: string): Promise<EntryVerdict> =>
      Promise.resolve({ status: 'refused', index, auditId, kind, reason });
    if (!isSafeEntryName(path)) {
      verdicts.push(refuse('malformed', `"${path}" is not a safe name inside a bundle (absolute, "..", or a backslash)`));
      continue;
    }
    if (listed.has(path)) {
      verdicts.push(refuse('malformed', `${path} is listed twice in the manifest`));
      continue;
    }
    listed.add(path);
    if (!AUDIT_PATH.test(path)) {
      verdicts.push(refuse('malformed', `the manifest lists ${path}, which is not an audits/<id>.json entry`));
      continue;
    }
    const bytes = await entryBytes(path);
    if (!bytes.ok) {
      verdicts.push(refuse('malformed', bytes.issues[0]?.message ?? path));
      continue;
    }
    const json = parseJson(bytes.value, path);
    if (!json.ok) {
      verdicts.push(refuse('malformed', json.issues[0]?.message ?? path));
      continue;
    }
    const entry = bundleAuditEntrySchema.safeParse(json.value);
    if (!entry.success) {
      const first = entry.error.issues[0];
      verdicts.push(refuse('malformed', `${path}: not a sealed audit (${first ? `${formatPath(first.path)}: ${first.message}` : ''})`));
      continue;
    }
    const { payload, rubric: rubricHex, hash, signature } = entry.data;
    const auditId = auditIdOf(payload);
    const refs = payloadImageRefsSchema.safeParse(payload);
    if (!refs.success) {
      verdicts.push(refuse('malformed', `${path}: payload.blobs must list each image's id and sha256`, auditId));
      continue;
    }
    const rubric = await rubricOf(rubricHex);
    if (!rubric.ok) {
      verdicts.push(refuse('malformed', rubric.issues[0]?.message ?? `rubrics/${rubricHex}.json`, auditId));
      continue;
    }
    const images = new Map<string, Uint8Array>();
    let missing: string | undefined;
    for (const blob of refs.data.blobs) {
      const image = await imageBytes(blob.sha256);
      if (!image.ok) {
        missing = `image ${blob.id}: ${image.issues[0]?.message ?? ''}`;
        break;
      }
      images.set(blob.id, image.value);
    }
    if (missing !== undefined) {
      verdicts.push(refuse('malformed', missing, auditId));
      continue;
    }
    const envelope = { payload: { ...payload, rubric: rubric.value }, hash, signature };
    const verdict = checkSealedEntry(envelope, images, index, auditId, verify, { checkedRubrics });
    inFlight.push(verdict);
    verdicts.push(verdict);
  }

  // Nothing in the zip passes unremarked: unsafe names, envelopes the manifest does not list, strangers.
  let extra = manifest.data.audits.length;
  for (const [name, found] of byName) {
    const known =
      name === 'manifest.json' || RUBRIC_PATH.test(name) || IMAGE_PATH.test(name) || (AUDIT_PATH.test(name) && listed.has(name));
    if (known && isSafeEntryName(name)) continue;
    if (isSafeEntryName(name) && name.endsWith('/') && found.every((e) => e.size === 0)) continue;
    const reason = !isSafeEntryName(name)
      ? `zip entry "${name}" has an unsafe name (absolute, "..", or a backslash); it is ignored`
      : AUDIT_PATH.test(name)
        ? `${name} is not listed in the manifest`
        : `zip entry ${name} is not part of a Ducha bundle`;
    verdicts.push(Promise.resolve({ status: 'refused', index: extra++, auditId: undefined, kind: 'malformed', reason }));
  }
  return ok(await Promise.all(verdicts));
}
