import type { AuditFact } from '../../../src/domain/head-office';
import { SITES } from '../../fixtures/kpi-ranking/fairness-month';
import { fact } from './head-office-facts';

// The fairness month's KF01 audits as the server holds them: e1 + e2 of 10 + 20 points, i.e. 27/30 = 90 %,
// 9/30 = 30 %, 30/30 = 100 % (the fixture's 90/100, 30/100, 100/100), keyed by site code as uploads are.
const KF01_POINTS: Readonly<Record<string, readonly [number, number]>> = { A01: [10, 17], B02: [3, 6], C03: [10, 20] };

export const fairnessAuditFacts = (): AuditFact[] =>
  SITES.map((s) => {
    const [e1, e2] = KF01_POINTS[s.code] ?? [0, 0];
    return fact({ id: `kf01-${s.code}`, site: s.name, siteKey: `code:${s.code}`, at: '2026-11-10T02:00:00.000Z', e1, e2 });
  });
