import { z } from 'zod';
import { gradeSchema } from '../rubric/rubric-schema';
import { walkNodes } from '../rubric/rubric-tree';
import { keyId, scoreSealed } from '../seal/seal';
import type { SealedEnvelope } from '../seal/seal-schema';

const int = z.number().int();

export const itemFactSchema = z.strictObject({
  id: z.string(),
  /** The 序号 as printed where it differs from the id (KF3 一…五); absent in facts stored before it was kept. */
  label: z.string().optional(),
  title: z.string(),
  earnedH: int,
  possibleH: int,
});
export type ItemFact = z.infer<typeof itemFactSchema>;

export const unitFactSchema = z.strictObject({
  id: z.string(),
  itemId: z.string(),
  grade: gradeSchema.optional(),
  /** A metric unit's figure as entered and the unit it counts in (96.5, "%"): a KPI audit's CSV shows them where a grade would be. */
  figure: z.number().optional(),
  unit: z.string().optional(),
  note: z.string(),
  earnedH: int,
  possibleH: int,
});
export type UnitFact = z.infer<typeof unitFactSchema>;

/** What head office compares about one sealed audit: flat, integers only, no images. Stored beside the seal. */
export const auditFactSchema = z.strictObject({
  auditId: z.string(),
  lineageId: z.string(),
  revision: int.min(1),
  hash: z.string(),
  /** The key id that sealed it: drill-down names the device and auditor from the key register. */
  signer: z.string(),
  sealedAt: z.string(),
  rubricId: z.string(),
  rubricFingerprint: z.string(),
  /** The same site on two tablets: by its code when it has one, else by its name. */
  siteKey: z.string(),
  siteName: z.string(),
  region: z.string().optional(),
  auditor: z.string(),
  auditedAt: z.string(),
  earnedH: int,
  possibleH: int,
  percentTenths: int.nullable(),
  items: z.array(itemFactSchema),
  units: z.array(unitFactSchema),
});
export type AuditFact = z.infer<typeof auditFactSchema>;

/**
 * An audit's facts without the per-unit detail: everything the ranking, trend and heat map read. Units are
 * two thirds of a fact; the dashboard reads 10,000 summaries when it opens and units only for a drill-down
 * or the units CSV.
 */
export const factSummarySchema = auditFactSchema.omit({ units: true });
export type FactSummary = z.infer<typeof factSummarySchema>;

export function summaryOf(fact: AuditFact): FactSummary {
  const { units: _detail, ...summary } = fact;
  return summary;
}

export const siteKeyOf = (site: { name: string; code?: string | undefined }): string =>
  site.code?.trim() ? `code:${site.code.trim().toUpperCase()}` : `name:${site.name.trim()}`;

const figureOf = (figure: number | undefined, unit: string | undefined): Pick<UnitFact, 'figure' | 'unit'> =>
  figure === undefined ? {} : { figure, ...(unit === undefined ? {} : { unit }) };

export function auditFactFromEnvelope(envelope: SealedEnvelope): AuditFact {
  const { audit, rubric } = envelope.payload;
  const score = scoreSealed(envelope.payload);
  const byId = new Map(score.nodes.map((n) => [n.id, n]));
  const notes = new Map(audit.answers.map((a) => [a.unitId, a.note]));
  const figures = new Map(audit.answers.map((a) => [a.unitId, a.figure]));
  const unitsOf = new Map([...walkNodes(rubric)].map(({ node }) => [node.id, node.unit]));
  const itemOf = (id: string) => id.split('.')[0] ?? id;
  return {
    auditId: audit.id,
    lineageId: audit.lineageId,
    revision: audit.revision,
    hash: envelope.hash,
    signer: keyId(envelope.payload.publicKey),
    sealedAt: envelope.payload.sealedAt,
    rubricId: audit.rubricId,
    rubricFingerprint: audit.rubricFingerprint,
    siteKey: siteKeyOf(audit.site),
    siteName: audit.site.name,
    ...(audit.site.region ? { region: audit.site.region } : {}),
    auditor: audit.auditor,
    auditedAt: audit.auditedAt,
    earnedH: score.earnedH,
    possibleH: score.possibleH,
    percentTenths: score.percentTenths,
    items: rubric.items.map((item) => ({
      id: item.id,
      ...(item.label ? { label: item.label } : {}),
      title: item.title ?? item.id,
      earnedH: byId.get(item.id)?.earnedH ?? 0,
      possibleH: byId.get(item.id)?.possibleH ?? 0,
    })),
    units: score.nodes
      .filter((n) => n.isUnit)
      .map((n) => ({
        id: n.id,
        itemId: itemOf(n.id),
        ...(n.grade ? { grade: n.grade } : {}),
        ...figureOf(figures.get(n.id), unitsOf.get(n.id)),
        note: notes.get(n.id) ?? '',
        earnedH: n.earnedH,
        possibleH: n.possibleH,
      })),
  };
}
