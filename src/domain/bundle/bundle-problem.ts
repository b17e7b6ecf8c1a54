import { z } from 'zod';
import { formatPath, type Issue } from '../result';

/**
 * What is wrong with a bundle, or with one entry of it, as data rather than words: the app says it in the
 * reader's language (where: the zip entry, the field path; what: one of these codes), and the English
 * `message` / `reason` beside it stays for the CLI and for the app's 详情.
 */
export const bundleProblemCodeSchema = z.enum([
  // the whole file
  'tooLarge',
  'unknownFormat',
  'notJson',
  'jsonTruncated',
  'notBundle',
  'damagedZip',
  'tooBigUnpacked',
  'zipMalformed',
  // one entry of the zip, or one audit
  'entryMissing',
  'entryUnreadable',
  'entryNotJson',
  'tooDeep',
  'unsafeName',
  'listedTwice',
  'notAuditEntry',
  'notListed',
  'stranger',
  'unusedEntry',
  'noSeal',
  'shape',
  'rubricInvalid',
  'imageUnsealed',
  'imageTwice',
  'imageType',
  'imageEncoding',
  'imageMissing',
  'tampered',
  'revoked',
  'unreadable',
]);
export type BundleProblemCode = z.infer<typeof bundleProblemCodeSchema>;

/** What is wrong with one field, from the schema's own verdict. */
export const fieldProblemSchema = z.enum(['missing', 'type', 'value', 'format', 'tooLong', 'tooShort', 'extra', 'invalid']);
export type FieldProblem = z.infer<typeof fieldProblemSchema>;

/** A schema as well as a type: the app's import runs in a Web Worker and posts its problems back. */
export const bundleProblemSchema = z.strictObject({
  code: bundleProblemCodeSchema,
  /** Where in the file: a zip entry (manifest.json, audits/<id>.json, rubrics/<hex>.json, images/<sha256>). */
  entry: z.string().optional(),
  /** Where inside the JSON: a field path as formatPath writes it (envelope.payload.audit.site.name). */
  field: z.string().optional(),
  fieldProblem: fieldProblemSchema.optional(),
  /** What it is about: an image id, or for `tampered` which part (seal, rubric, score, photo, signature, text). */
  subject: z.string().optional(),
  /** For `notJson`: where the parser stopped, 1-based. */
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  /** For `zipMalformed`: the byte offset in the file where the reading went wrong. */
  offset: z.number().int().nonnegative().optional(),
  /** For the size limits, as formatBytes writes them (2.0 GiB). */
  size: z.string().optional(),
  limit: z.string().optional(),
});
export type BundleProblem = z.infer<typeof bundleProblemSchema>;

/** A zip entry no listed audit uses: reported beside the verdicts, never read as an audit, never stored. */
export const unusedEntrySchema = z.strictObject({
  entry: z.string(),
  /** In English, for the CLI and the app's 详情. */
  reason: z.string(),
  /** unsafeName, notListed (an audit the manifest does not list), stranger, or unusedEntry (a rubric or image no audit names). */
  problem: bundleProblemSchema,
});
export type UnusedEntry = z.infer<typeof unusedEntrySchema>;

/** A whole-file problem: the Issue the CLI prints, with the problem the app words. */
export interface BundleIssue extends Issue {
  readonly problem: BundleProblem;
}

export type BundleRead<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly BundleIssue[] };

export const bundleOk = <T>(value: T): BundleRead<T> => ({ ok: true, value });

export const bundleFail = <T>(problem: BundleProblem, message: string, path = '(file)'): BundleRead<T> => ({
  ok: false,
  issues: [{ path, message, problem }],
});

interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The schema's issue code in the few words a person needs (zod 4 codes). */
export function fieldProblemOf(issue: SchemaIssue): FieldProblem {
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined/.test(issue.message) ? 'missing' : 'type';
    case 'too_big':
      return 'tooLong';
    case 'too_small':
      return 'tooShort';
    case 'invalid_format':
      return 'format';
    case 'invalid_value':
    case 'not_multiple_of':
      return 'value';
    case 'unrecognized_keys':
      return 'extra';
    default:
      return 'invalid';
  }
}

/** The first schema issue as a `shape` (or other) problem: its field path and what is wrong with it. */
export function schemaProblem(
  issues: readonly SchemaIssue[],
  code: BundleProblemCode,
  where: { entry?: string; prefix?: readonly PropertyKey[] } = {},
): BundleProblem {
  const first = issues[0];
  return {
    code,
    ...(where.entry === undefined ? {} : { entry: where.entry }),
    // A problem with the whole value (an array where an object belongs) has no field to name.
    ...(first && [...(where.prefix ?? []), ...first.path].length > 0
      ? { field: formatPath([...(where.prefix ?? []), ...first.path]), fieldProblem: fieldProblemOf(first) }
      : {}),
  };
}

/**
 * Where JSON.parse stopped, as line and column (1-based), from the position V8 names in its message, and whether
 * that is the end of the text (a file cut short). Undefined when the message names no position (V8 leaves it
 * out of "Unexpected token" messages).
 */
export function jsonErrorAt(
  text: string,
  message: string,
): { line: number; column: number; isAtEnd: boolean } | undefined {
  const position = /position (\d+)/.exec(message);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  let offset: number;
  if (position) offset = Number(position[1]);
  else if (lineColumn) {
    const lineStarts = text.split('\n').slice(0, Number(lineColumn[1]) - 1);
    offset = lineStarts.reduce((sum, line) => sum + line.length + 1, 0) + Number(lineColumn[2]) - 1;
  } else return undefined;
  const lines = text.slice(0, offset).split('\n');
  return {
    line: lines.length,
    column: (lines.at(-1) ?? '').length + 1,
    isAtEnd: offset >= text.trimEnd().length,
  };
}
