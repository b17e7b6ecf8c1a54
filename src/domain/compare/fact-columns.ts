import { z } from 'zod';
import type { Result } from '../result';
import type { FactSummary, ItemFact } from './audit-fact';

/**
 * Many fact summaries as one compact record: every text once in a string table, every number in a typed
 * array, each fact's item list (ids, labels and titles: the same for every audit of a rubric) once per
 * distinct shape. Reading 10,000 summaries as 10,000 objects from IndexedDB and checking each with zod took
 * most of a second; this is one record whose envelope zod checks, and whose indices one loop checks.
 */
export const FACT_COLUMNS_VERSION = 1;

const itemShapeSchema = z.array(
  z.strictObject({ id: z.string(), label: z.string().optional(), title: z.string() }),
);
type ItemShape = z.infer<typeof itemShapeSchema>;

const textColumns = [
  'auditId',
  'lineageId',
  'hash',
  'signer',
  'sealedAt',
  'rubricId',
  'rubricFingerprint',
  'siteKey',
  'siteName',
  'auditor',
  'auditedAt',
] as const;
type TextColumn = (typeof textColumns)[number];

const numberColumns = ['revision', 'earnedH', 'possibleH'] as const;
type NumberColumn = (typeof numberColumns)[number];

const int32 = z.instanceof(Int32Array);
const float64 = z.instanceof(Float64Array);

export const factColumnsSchema = z.strictObject({
  version: z.literal(FACT_COLUMNS_VERSION),
  count: z.number().int().min(0),
  strings: z.array(z.string()),
  /** Per fact: an index into `strings` for each text field. */
  text: z.strictObject({
    auditId: int32,
    lineageId: int32,
    hash: int32,
    signer: int32,
    sealedAt: int32,
    rubricId: int32,
    rubricFingerprint: int32,
    siteKey: int32,
    siteName: int32,
    auditor: int32,
    auditedAt: int32,
  }),
  /** Per fact: an index into `strings`, or −1 for a site without a region. */
  region: int32,
  numbers: z.strictObject({ revision: float64, earnedH: float64, possibleH: float64 }),
  /** Per fact; NaN where the percentage is null (nothing could be scored). */
  percentTenths: float64,
  itemShapes: z.array(itemShapeSchema),
  /** Per fact: which item shape its items have. */
  itemShape: int32,
  /** Every fact's items in order, two numbers each (earnedH, possibleH). */
  itemScores: float64,
});
export type FactColumns = z.infer<typeof factColumnsSchema>;

export function encodeFactColumns(facts: readonly FactSummary[]): FactColumns {
  const count = facts.length;
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (text: string): number => {
    let at = stringIndex.get(text);
    if (at === undefined) {
      at = strings.length;
      strings.push(text);
      stringIndex.set(text, at);
    }
    return at;
  };
  const text = {
    auditId: new Int32Array(count),
    lineageId: new Int32Array(count),
    hash: new Int32Array(count),
    signer: new Int32Array(count),
    sealedAt: new Int32Array(count),
    rubricId: new Int32Array(count),
    rubricFingerprint: new Int32Array(count),
    siteKey: new Int32Array(count),
    siteName: new Int32Array(count),
    auditor: new Int32Array(count),
    auditedAt: new Int32Array(count),
  } satisfies Record<TextColumn, Int32Array>;
  const numbers = {
    revision: new Float64Array(count),
    earnedH: new Float64Array(count),
    possibleH: new Float64Array(count),
  } satisfies Record<NumberColumn, Float64Array>;
  const region = new Int32Array(count);
  const percentTenths = new Float64Array(count);
  const itemShape = new Int32Array(count);
  const itemShapes: ItemShape[] = [];
  const shapeIndex = new Map<string, number>();
  const scores: number[] = [];
  facts.forEach((fact, i) => {
    for (const column of textColumns) text[column][i] = intern(fact[column]);
    for (const column of numberColumns) numbers[column][i] = fact[column];
    region[i] = fact.region === undefined ? -1 : intern(fact.region);
    percentTenths[i] = fact.percentTenths ?? NaN;
    const shape: ItemShape = fact.items.map((item) => ({
      id: item.id,
      ...(item.label !== undefined ? { label: item.label } : {}),
      title: item.title,
    }));
    const key = JSON.stringify(shape);
    let at = shapeIndex.get(key);
    if (at === undefined) {
      at = itemShapes.length;
      itemShapes.push(shape);
      shapeIndex.set(key, at);
    }
    itemShape[i] = at;
    for (const item of fact.items) scores.push(item.earnedH, item.possibleH);
  });
  return {
    version: FACT_COLUMNS_VERSION,
    count,
    strings,
    text,
    region,
    numbers,
    percentTenths,
    itemShapes,
    itemShape,
    itemScores: Float64Array.from(scores),
  };
}

const isInt = (n: number | undefined): n is number => n !== undefined && Number.isSafeInteger(n);

/**
 * The summaries back, exactly as encoded; or why the record cannot be them (wrong shape, an index out of
 * range, a non-integer score): the caller then reads the facts themselves.
 */
export function decodeFactColumns(stored: unknown): Result<FactSummary[]> {
  const parsed = factColumnsSchema.safeParse(stored);
  if (!parsed.success)
    return { ok: false, issues: [{ path: '(snapshot)', message: `not a facts snapshot: ${parsed.error.message}` }] };
  const c = parsed.data;
  const fail = (message: string): Result<FactSummary[]> => ({ ok: false, issues: [{ path: '(snapshot)', message }] });
  const columns = [...Object.values(c.text), ...Object.values(c.numbers), c.region, c.percentTenths, c.itemShape];
  if (columns.some((column) => column.length !== c.count)) return fail('a column does not hold one value per fact');
  const stringAt = (at: number | undefined): string | undefined => (at === undefined ? undefined : c.strings[at]);
  const facts: FactSummary[] = new Array<FactSummary>(c.count);
  let scoreAt = 0;
  for (let i = 0; i < c.count; i++) {
    const texts: Partial<Record<TextColumn, string>> = {};
    for (const column of textColumns) {
      const value = stringAt(c.text[column][i]);
      if (value === undefined) return fail(`fact ${String(i)}: ${column} points outside the string table`);
      texts[column] = value;
    }
    const regionAt = c.region[i];
    const region = regionAt === -1 ? undefined : stringAt(regionAt);
    if (regionAt !== -1 && region === undefined) return fail(`fact ${String(i)}: region points outside the string table`);
    const revision = c.numbers.revision[i];
    const earnedH = c.numbers.earnedH[i];
    const possibleH = c.numbers.possibleH[i];
    const percent = c.percentTenths[i];
    if (!isInt(revision) || revision < 1 || !isInt(earnedH) || !isInt(possibleH))
      return fail(`fact ${String(i)}: a score or revision is not an integer`);
    if (percent === undefined || (!Number.isNaN(percent) && !isInt(percent)))
      return fail(`fact ${String(i)}: the percentage is not an integer`);
    const shape = c.itemShapes[c.itemShape[i] ?? -1];
    if (shape === undefined) return fail(`fact ${String(i)}: its item shape is missing`);
    const items: ItemFact[] = [];
    for (const item of shape) {
      const itemEarned = c.itemScores[scoreAt];
      const itemPossible = c.itemScores[scoreAt + 1];
      scoreAt += 2;
      if (!isInt(itemEarned) || !isInt(itemPossible)) return fail(`fact ${String(i)}: an item score is missing or not an integer`);
      items.push({ ...item, earnedH: itemEarned, possibleH: itemPossible });
    }
    const {
      auditId,
      lineageId,
      hash,
      signer,
      sealedAt,
      rubricId,
      rubricFingerprint,
      siteKey,
      siteName,
      auditor,
      auditedAt,
    } = texts;
    if (
      auditId === undefined ||
      lineageId === undefined ||
      hash === undefined ||
      signer === undefined ||
      sealedAt === undefined ||
      rubricId === undefined ||
      rubricFingerprint === undefined ||
      siteKey === undefined ||
      siteName === undefined ||
      auditor === undefined ||
      auditedAt === undefined
    )
      return fail(`fact ${String(i)}: a text field is missing`);
    facts[i] = {
      auditId,
      lineageId,
      revision,
      hash,
      signer,
      sealedAt,
      rubricId,
      rubricFingerprint,
      siteKey,
      siteName,
      ...(region !== undefined ? { region } : {}),
      auditor,
      auditedAt,
      earnedH,
      possibleH,
      percentTenths: Number.isNaN(percent) ? null : percent,
      items,
    };
  }
  if (scoreAt !== c.itemScores.length) return fail('the item scores do not match the facts’ items');
  return { ok: true, value: facts };
}
