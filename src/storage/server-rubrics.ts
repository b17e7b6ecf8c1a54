import { z } from 'zod';
import { formatIssue, parseRubric, rubricFingerprint, type Rubric } from '../domain/index';
import type { RubricRow } from './db';
import { type StoreContext, run } from './store-context';

/** What the server said of a rubric version it published (kept on its rubrics row; unindexed). */
export const publishedFieldsSchema = z.strictObject({
  version: z.literal(1),
  title: z.string(),
  publishedAt: z.string(),
  publishedBy: z.string(),
  changeSeq: z.number().int(),
});

export interface PublishedVersion {
  readonly fingerprint: string;
  readonly rubricId: string;
  readonly title: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
  readonly changeSeq: number;
}

/** A published version this app cannot use, and why (shown in 设置). */
export const unusableRubricSchema = z.strictObject({
  fingerprint: z.string(),
  rubricId: z.string(),
  title: z.string(),
  publishedAt: z.string(),
  reason: z.string(),
});
export type UnusableRubric = z.infer<typeof unusableRubricSchema>;

export type CheckedVersion =
  | { readonly ok: true; readonly version: PublishedVersion; readonly rubric: Rubric }
  | { readonly ok: false; readonly unusable: UnusableRubric };

/**
 * A published version is used only when this app can score it (the domain's rubric rules: a kind or format
 * from a newer app fails them), its content has the fingerprint it was published under, and its id is the one
 * announced. Anything else is kept out of the picker with its reason.
 */
export function checkPublishedVersion(version: PublishedVersion, document: unknown): CheckedVersion {
  const unusable = (reason: string): CheckedVersion => ({
    ok: false,
    unusable: {
      fingerprint: version.fingerprint,
      rubricId: version.rubricId,
      title: version.title,
      publishedAt: version.publishedAt,
      reason,
    },
  });
  const parsed = parseRubric(document);
  if (!parsed.ok) return unusable(parsed.issues.slice(0, 3).map(formatIssue).join('; '));
  const actual = rubricFingerprint(parsed.value);
  if (actual !== version.fingerprint) return unusable(`fingerprint ${actual} ≠ ${version.fingerprint}`);
  if (parsed.value.id !== version.rubricId) return unusable(`id ${parsed.value.id} ≠ ${version.rubricId}`);
  return { ok: true, version, rubric: parsed.value };
}

/** Stores a checked version; rows of old versions stay (drafts and old audits keep theirs). Inside a transaction. */
export async function putPublishedVersion(ctx: StoreContext, checked: Extract<CheckedVersion, { ok: true }>): Promise<void> {
  const { version, rubric } = checked;
  const existing = await ctx.db.rubrics.get(version.fingerprint);
  const row: RubricRow = {
    fingerprint: version.fingerprint,
    rubricId: version.rubricId,
    // The same fingerprint is the same content: a row an audit wrote keeps its copy.
    content: existing?.content ?? rubric,
    storedAt: existing?.storedAt ?? ctx.now(),
    published: {
      version: 1,
      title: version.title,
      publishedAt: version.publishedAt,
      publishedBy: version.publishedBy,
      changeSeq: version.changeSeq,
    } satisfies z.infer<typeof publishedFieldsSchema>,
  };
  await ctx.db.rubrics.put(row);
}

/** A rubric a new audit can be scored on. */
export interface RubricChoice {
  readonly rubric: Rubric;
  readonly fingerprint: string;
  /** Published by the server (when): otherwise the version this app shipped. */
  readonly publishedAt: string | undefined;
}

/**
 * The rubric a NEW audit of each id uses: the newest version the server published that this app can read,
 * else the shipped one. Shipped ids first in their order, then ids only the server has. Drafts never look here:
 * they keep the fingerprint they started with.
 */
export async function listRubricChoices(
  ctx: StoreContext,
  shipped: readonly { readonly rubric: Rubric; readonly fingerprint: string }[],
): Promise<RubricChoice[]> {
  const rows = await run(() => ctx.db.rubrics.toArray());
  const newestFirst = rows
    .flatMap((row) => {
      const published = publishedFieldsSchema.safeParse(row.published);
      return published.success ? [{ row, published: published.data }] : [];
    })
    .sort((a, b) => b.published.changeSeq - a.published.changeSeq);
  const chosen = new Map<string, RubricChoice>();
  for (const { row, published } of newestFirst) {
    if (chosen.has(row.rubricId)) continue;
    // A stored row that no longer reads back whole is passed over for the next newest version.
    const rubric = await ctx.getRubric(row.fingerprint).catch(() => undefined);
    if (rubric) chosen.set(row.rubricId, { rubric, fingerprint: row.fingerprint, publishedAt: published.publishedAt });
  }
  const shippedChoices = shipped.map(
    ({ rubric, fingerprint }) => chosen.get(rubric.id) ?? { rubric, fingerprint, publishedAt: undefined },
  );
  const shippedIds = new Set(shipped.map((s) => s.rubric.id));
  const serverOnly = [...chosen.values()]
    .filter((c) => !shippedIds.has(c.rubric.id))
    .sort((a, b) => a.rubric.id.localeCompare(b.rubric.id));
  return [...shippedChoices, ...serverOnly];
}
