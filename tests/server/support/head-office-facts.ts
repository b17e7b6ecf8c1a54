import type { Kysely } from 'kysely';
import type { AuditFact } from '../../../src/domain/head-office';
import type { Database } from '../../../src/server/db/tables';

/**
 * The hand-computed fixtures of src/domain/compare/aggregate.test.ts, rebuilt here (that file keeps its
 * helper private): a KF-like fact with items 1 (10 points) and 2 (20 points), earned given in points.
 */
export function fact(
  over: Partial<AuditFact> & { id: string; site: string; at: string; e1: number; e2: number; p2?: number },
): AuditFact {
  const p2 = over.p2 ?? 20;
  const earnedH = (over.e1 + over.e2) * 100;
  const possibleH = (10 + p2) * 100;
  return {
    auditId: over.id,
    lineageId: over.lineageId ?? over.id,
    revision: over.revision ?? 1,
    hash: `h-${over.id}`,
    signer: over.signer ?? 'k'.repeat(64),
    sealedAt: over.at,
    rubricId: over.rubricId ?? 'KF01',
    rubricFingerprint: over.rubricFingerprint ?? 'sha256:v1',
    siteKey: over.siteKey ?? `name:${over.site}`,
    siteName: over.site,
    region: over.region ?? '华南',
    auditor: over.auditor ?? '王小明',
    auditedAt: over.at,
    earnedH,
    possibleH,
    percentTenths: possibleH === 0 ? null : Math.floor((2 * earnedH * 1000 + possibleH) / (2 * possibleH)),
    items: over.items ?? [
      { id: '1', title: '服务时间', earnedH: over.e1 * 100, possibleH: 1000 },
      { id: '2', title: '服务资源', earnedH: over.e2 * 100, possibleH: p2 * 100 },
    ],
    units: over.units ?? [
      { id: '1', itemId: '1', grade: 'compliant', note: '', earnedH: over.e1 * 100, possibleH: 1000 },
      {
        id: '2',
        itemId: '2',
        grade: over.e2 === 0 ? 'non_compliant' : 'compliant',
        note: over.e2 === 0 ? '无人接听' : '',
        earnedH: over.e2 * 100,
        possibleH: p2 * 100,
      },
    ],
  };
}

// 甲: 30/30 = 100.0 %, 24/30 = 80.0 % (Nov); 乙: 10/30 = 33.3 % (Nov), 18/30 = 60.0 % (Oct, previous period)
// 丙: item 2 不适用 → 6/10 = 60.0 % (Nov)
export const FACTS: readonly AuditFact[] = [
  fact({ id: 'a1', site: '甲', at: '2026-11-03T02:00:00.000Z', e1: 10, e2: 20 }),
  fact({ id: 'a2', site: '甲', at: '2026-11-20T02:00:00.000Z', e1: 8, e2: 16 }),
  fact({ id: 'b1', site: '乙', at: '2026-11-10T02:00:00.000Z', e1: 10, e2: 0 }),
  fact({ id: 'b0', site: '乙', at: '2026-10-10T02:00:00.000Z', e1: 10, e2: 8 }),
  fact({ id: 'c1', site: '丙', at: '2026-11-12T02:00:00.000Z', e1: 6, e2: 0, p2: 0 }),
];
export const NOVEMBER = { rubricId: 'KF01', from: '2026-11-01T00:00:00.000Z', to: '2026-11-30T23:59:59.999Z' } as const;

/** Stores facts as intake would (the flattened columns beside the facts), without seals: queries read only these. */
export async function insertFacts(db: Kysely<Database>, facts: readonly AuditFact[]): Promise<void> {
  if (facts.length === 0) return;
  await db
    .insertInto('accepted_revisions')
    .values(
      facts.map((f) => ({
        audit_id: f.auditId,
        lineage_id: f.lineageId,
        revision: f.revision,
        seal_hash: (f.auditId.codePointAt(0) ?? 0).toString(16).padStart(2, '0').repeat(32).slice(0, 64),
        signer: f.signer,
        rubric_id: f.rubricId,
        rubric_fingerprint: f.rubricFingerprint,
        site_key: f.siteKey,
        site_name: f.siteName,
        region: f.region ?? null,
        auditor: f.auditor,
        audited_at: f.auditedAt,
        sealed_at: f.sealedAt,
        earned_h: f.earnedH,
        possible_h: f.possibleH,
        percent_tenths: f.percentTenths,
        facts: JSON.stringify(f),
        envelope_sha256: '0'.repeat(64),
        source: 'test',
        received_at: '2026-12-01T00:00:00.000Z',
      })),
    )
    .execute();
}
