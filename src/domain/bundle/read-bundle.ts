import { strFromU8 } from 'fflate';
import { exceedsDepth, MAX_JSON_DEPTH } from '../encoding/json-depth';
import { formatIssue, formatPath } from '../result';
import { rubricFingerprint } from '../rubric/fingerprint';
import { parseRubric } from '../rubric/parse-rubric';
import type { CheckedRubric, SealVerifier } from '../seal/seal';
import {
  bundleFail,
  bundleOk,
  jsonErrorAt,
  schemaProblem,
  type BundleIssue,
  type BundleProblem,
  type BundleProblemCode,
  type BundleRead,
  type UnusedEntry,
} from './bundle-problem';
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
export type { UnusedEntry };

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

/** How to read: a platform may hand in a faster CRC-32 (Node's native one); the domain's is the default. */
export interface BundleReadOptions {
  readonly crc32?: (bytes: Uint8Array) => number;
}

/** One verdict per audit the bundle offers, and everything else in the zip that none of them uses. */
export interface BundleContents {
  readonly verdicts: EntryVerdict[];
  readonly unusedEntries: UnusedEntry[];
}

/** By content, never by file name: a zip starts `PK\x03\x04`, a v1 bundle is JSON (`{`, after a BOM or spaces). */
export function detectBundleFormat(head: Uint8Array): BundleFormat | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return head[i] === 0x7b ? 'json' : undefined;
}


/**
 * Reads a bundle of either format into one verdict per entry, so intake has one code path. A file that is not
 * a bundle, or breaks a whole-file limit, is an error and nothing may be written; otherwise each entry is judged
 * on its own.
 */
export async function readBundle(
  source: ByteSource,
  verify: SealVerifier,
  limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
  options: BundleReadOptions = {},
): Promise<BundleRead<BundleContents>> {
  if (source.size > limits.maxFileBytes)
    return bundleFail(
      { code: 'tooLarge', size: formatBytes(source.size), limit: formatBytes(limits.maxFileBytes) },
      `the file is ${formatBytes(source.size)}, over the limit of ${formatBytes(limits.maxFileBytes)}`,
    );
  const format = detectBundleFormat(await source.read(0, Math.min(source.size, 64)));
  if (format === 'zip') return readBundleV2(source, verify, limits, options);
  if (format === 'json') {
    let json: unknown;
    const text = strFromU8(await source.read(0, source.size)).replace(/^\uFEFF/, '');
    try {
      json = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const at = jsonErrorAt(text, detail);
      // "(json)": the file began as JSON and is not.
      return bundleFail(
        /end of JSON input/.test(detail) || at?.isAtEnd === true
          ? { code: 'jsonTruncated' }
          : { code: 'notJson', ...(at ? { line: at.line, column: at.column } : {}) },
        `not a Ducha bundle: not JSON (${detail})`,
        '(json)',
      );
    }
    const checked = await checkBundle(json, verify);
    if (!checked.ok)
      return {
        ok: false,
        issues: checked.issues.map((i) => ({ ...i, path: '(file)', message: `not a Ducha bundle: ${formatIssue(i)}` })),
      };
    return bundleOk({ verdicts: checked.value, unusedEntries: [] });
  }
  return bundleFail({ code: 'unknownFormat' }, 'not a Ducha bundle: neither a zip (format 2) nor JSON (format 1)');
}

const AUDIT_PATH = /^audits\/[^/]+\.json$/;
const RUBRIC_PATH = /^rubrics\/([0-9a-f]{64})\.json$/;
const IMAGE_PATH = /^images\/([0-9a-f]{64})$/;

function parseJson(bytes: Uint8Array, name: string): BundleRead<unknown> {
  try {
    const json: unknown = JSON.parse(strFromU8(bytes));
    if (exceedsDepth(json, MAX_JSON_DEPTH + 1))
      return bundleFail({ code: 'tooDeep', entry: name }, `${name} is nested deeper than ${MAX_JSON_DEPTH} levels`, name);
    return bundleOk(json);
  } catch (error) {
    return bundleFail(
      { code: 'entryNotJson', entry: name },
      `${name} is not JSON (${error instanceof Error ? error.message : String(error)})`,
      name,
    );
  }
}

/** A whole-file failure that came from one entry (manifest.json): "not a Ducha bundle", with where and what. */
const notBundle = <T>(issue: BundleIssue | undefined): BundleRead<T> =>
  bundleFail(issue?.problem ?? { code: 'notBundle' }, `not a Ducha bundle: ${issue?.message ?? ''}`);

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
  options: BundleReadOptions = {},
): Promise<BundleRead<BundleContents>> {
  const directory = await readZipDirectory(rawSource, limits);
  if (!directory.ok) return directory;
  const source = windowedSource(rawSource);
  const byName = new Map<string, ZipEntry[]>();
  for (const entry of directory.value) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);

  // One entry by name: missing, given twice, or too large refuses whoever needs it. Bytes that fail their CRC or
  // do not inflate are a damaged or altered archive: the first one found refuses the whole file, before anything
  // in it is trusted (nothing is written until the verdicts are back).
  let damage: BundleIssue | undefined;
  // Read through a call: the reads set it from inside closures, which the compiler's narrowing does not follow.
  const damageFound = (): BundleIssue | undefined => damage;
  const named = new Set<string>(['manifest.json']);
  const entryBytes = async (name: string): Promise<BundleRead<Uint8Array>> => {
    named.add(name);
    const found = byName.get(name) ?? [];
    const [entry] = found;
    if (!entry) return bundleFail({ code: 'entryMissing', entry: name }, `${name} is missing from the bundle`, name);
    if (found.length > 1)
      return bundleFail({ code: 'listedTwice', entry: name }, `${name} appears ${found.length} times in the zip`, name);
    const read = await readZipEntry(source, entry, limits, options.crc32);
    if (!read.ok && read.issues[0]?.problem.code === 'zipMalformed') damage ??= read.issues[0];
    return read;
  };
  const refusedAsDamaged = (issue: BundleIssue): BundleRead<BundleContents> =>
    bundleFail({ ...issue.problem }, issue.message);

  const manifestBytes = await entryBytes('manifest.json');
  const manifestDamage = damageFound();
  if (manifestDamage) return refusedAsDamaged(manifestDamage);
  if (!manifestBytes.ok) return notBundle(manifestBytes.issues[0]);
  const manifestJson = parseJson(manifestBytes.value, 'manifest.json');
  if (!manifestJson.ok) return notBundle(manifestJson.issues[0]);
  const manifest = bundleManifestSchema.safeParse(manifestJson.value);
  if (!manifest.success)
    return {
      ok: false,
      issues: manifest.error.issues.map((i) => ({
        path: '(file)',
        message: `not a Ducha bundle: manifest.json: ${formatPath(i.path)}: ${i.message}`,
        problem: schemaProblem([i], 'notBundle', { entry: 'manifest.json' }),
      })),
    };

  // Rubrics are few and shared: each file is read, parsed, validated and fingerprinted once, and the very same
  // object is put back into every envelope that names it (so verification can skip re-checking it).
  const rubrics = new Map<string, BundleRead<object>>();
  const checkedRubrics = new Map<object, CheckedRubric>();
  const rubricOf = async (hex: string): Promise<BundleRead<object>> => {
    const cached = rubrics.get(hex);
    if (cached) return cached;
    const name = `rubrics/${hex}.json`;
    const result = await (async (): Promise<BundleRead<object>> => {
      const bytes = await entryBytes(name);
      if (!bytes.ok) return bytes;
      const json = parseJson(bytes.value, name);
      if (!json.ok) return json;
      const invalid = (message: string, field?: string): BundleRead<object> =>
        bundleFail({ code: 'rubricInvalid', entry: name, ...(field === undefined ? {} : { field }) }, message, name);
      const parsed = parseRubric(json.value);
      if (!parsed.ok)
        return invalid(
          `${name} is not a valid rubric (${parsed.issues[0]?.path}: ${parsed.issues[0]?.message})`,
          parsed.issues[0]?.path,
        );
      const fingerprint = rubricFingerprint(parsed.value);
      if (fingerprint !== `sha256:${hex}`)
        return invalid(`${name} is not the rubric its name says (its fingerprint is ${fingerprint})`);
      // parseRubric never transforms, so the object read is the rubric validated.
      if (typeof json.value !== 'object' || json.value === null) return invalid(`${name} is not an object`);
      checkedRubrics.set(json.value, { received: json.value, rubric: parsed.value, fingerprint });
      return bundleOk(json.value);
    })();
    rubrics.set(hex, result);
    return result;
  };

  // Signatures are checked by the platform off this thread: keeping several in flight lets reading and checking
  // the next envelopes overlap with them. Verdicts keep the manifest's order.
  // Images are shared between audits (signatures, a site's repeated photo): read once, held once.
  const imageCache = new Map<string, BundleRead<Uint8Array>>();
  const imageBytes = async (sha256: string): Promise<BundleRead<Uint8Array>> => {
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
    if (damageFound()) break;
    if (inFlight.length >= 32) await inFlight.shift();
    const refuse = (kind: RefusalKind, reason: string, problem: BundleProblem, auditId?: string): Promise<EntryVerdict> =>
      Promise.resolve({ status: 'refused', index, auditId, kind, reason, problem });
    /** An entry that could not be read: why, as the reader said it. */
    const unread = (read: { ok: false; issues: readonly BundleIssue[] }, auditId?: string) =>
      refuse('malformed', read.issues[0]?.message ?? path, read.issues[0]?.problem ?? { code: 'entryUnreadable', entry: path }, auditId);
    if (!isSafeEntryName(path)) {
      verdicts.push(
        refuse('malformed', `"${path}" is not a safe name inside a bundle (absolute, "..", or a backslash)`, {
          code: 'unsafeName',
          entry: path,
        }),
      );
      continue;
    }
    if (listed.has(path)) {
      verdicts.push(refuse('malformed', `${path} is listed twice in the manifest`, { code: 'listedTwice', entry: path }));
      continue;
    }
    listed.add(path);
    if (!AUDIT_PATH.test(path)) {
      verdicts.push(
        refuse('malformed', `the manifest lists ${path}, which is not an audits/<id>.json entry`, {
          code: 'notAuditEntry',
          entry: path,
        }),
      );
      continue;
    }
    const bytes = await entryBytes(path);
    if (!bytes.ok) {
      verdicts.push(unread(bytes));
      continue;
    }
    const json = parseJson(bytes.value, path);
    if (!json.ok) {
      verdicts.push(unread(json));
      continue;
    }
    const entry = bundleAuditEntrySchema.safeParse(json.value);
    if (!entry.success) {
      const first = entry.error.issues[0];
      verdicts.push(
        refuse(
          'malformed',
          `${path}: not a sealed audit (${first ? `${formatPath(first.path)}: ${first.message}` : ''})`,
          schemaProblem(entry.error.issues, 'shape', { entry: path }),
        ),
      );
      continue;
    }
    const { payload, rubric: rubricHex, hash, signature } = entry.data;
    // Named by a listed audit, even if that audit is refused before they are read: not "unused".
    named.add(`rubrics/${rubricHex}.json`);
    const auditId = auditIdOf(payload);
    const refs = payloadImageRefsSchema.safeParse(payload);
    if (!refs.success) {
      verdicts.push(
        refuse(
          'malformed',
          `${path}: payload.blobs must list each image's id and sha256`,
          schemaProblem(refs.error.issues, 'shape', { entry: path, prefix: ['payload'] }),
          auditId,
        ),
      );
      continue;
    }
    for (const blob of refs.data.blobs) named.add(`images/${blob.sha256}`);
    const rubric = await rubricOf(rubricHex);
    if (!rubric.ok) {
      verdicts.push(unread(rubric, auditId));
      continue;
    }
    const images = new Map<string, Uint8Array>();
    let missing: { reason: string; problem: BundleProblem } | undefined;
    for (const blob of refs.data.blobs) {
      const image = await imageBytes(blob.sha256);
      if (!image.ok) {
        const why = image.issues[0];
        missing = {
          reason: `image ${blob.id}: ${why?.message ?? ''}`,
          problem: {
            code: why?.problem.code === 'entryMissing' ? 'imageMissing' : 'entryUnreadable',
            entry: `images/${blob.sha256}`,
            subject: blob.id,
          },
        };
        break;
      }
      images.set(blob.id, image.value);
    }
    if (missing !== undefined) {
      verdicts.push(refuse('malformed', missing.reason, missing.problem, auditId));
      continue;
    }
    const envelope = { payload: { ...payload, rubric: rubric.value }, hash, signature };
    const verdict = checkSealedEntry(envelope, images, index, auditId, verify, { checkedRubrics }, path);
    inFlight.push(verdict);
    verdicts.push(verdict);
  }

  const verdictsRead = await Promise.all(verdicts);
  const entryDamage = damageFound();
  if (entryDamage) return refusedAsDamaged(entryDamage);

  // Nothing in the zip passes unremarked: unsafe names, envelopes the manifest does not list, strangers, and
  // rubrics or images no listed audit names. Reported, not refused: none of them is read as an audit or stored,
  // and the audits beside them stand or fall on their own seals.
  const unusedEntries: UnusedEntry[] = [];
  for (const [name, found] of byName) {
    if (named.has(name) && isSafeEntryName(name)) continue;
    if (isSafeEntryName(name) && name.endsWith('/') && found.every((e) => e.size === 0)) continue;
    const code: BundleProblemCode = !isSafeEntryName(name)
      ? 'unsafeName'
      : AUDIT_PATH.test(name)
        ? 'notListed'
        : RUBRIC_PATH.test(name) || IMAGE_PATH.test(name)
          ? 'unusedEntry'
          : 'stranger';
    const reason = {
      unsafeName: `zip entry "${name}" has an unsafe name (absolute, "..", or a backslash); it is ignored`,
      notListed: `${name} is not listed in the manifest; it is ignored`,
      unusedEntry: `${name} is named by no audit in the manifest; it is ignored`,
      stranger: `zip entry ${name} is not part of a Ducha bundle; it is ignored`,
    }[code];
    unusedEntries.push({ entry: name, reason, problem: { code, entry: name } });
  }
  return bundleOk({ verdicts: verdictsRead, unusedEntries });
}
