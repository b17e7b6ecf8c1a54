import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import {
  applyFilter,
  drillDown,
  heatMap,
  latestRevisions,
  rankSites,
  rubricChoices,
  siteTrend,
  type FactSummary,
} from '../../../domain/head-office';
import { useOwnAudits } from '../../providers/store-provider';
import { resolveFilter, selectionOf, type DashboardControls, type DashboardData } from './dashboard-data';
import type { RankedSite } from './RankingTable';
import { useSignerLabel } from './signers';
import { chosen, filterOptions } from './view';

/**
 * The dashboard over this device's own sealed audits, compared here (a tablet never linked to a server, or
 * head office's view while the server cannot be read). Audits of other devices are only ever on the server.
 * Aggregation stays on the main thread: with 10,205 generated audits over 500 sites, the memos below take
 * ≈ 50 ms and the whole render ≈ 130 ms in headless Chromium, well under the 300 ms at which a Worker (and
 * a structured copy of every fact) would pay for itself. Loading the facts from IndexedDB costs far more
 * than comparing them.
 */
export function useLocalDashboard(
  facts: readonly FactSummary[],
  controls: DashboardControls,
): { latest: readonly FactSummary[]; data: DashboardData | undefined } {
  const own = useOwnAudits();
  const { filters, bottomN, trendChoice, cellChoice } = controls;
  // Corrected audits replace their earlier revisions before anything is counted.
  const latest = useMemo(() => latestRevisions(facts), [facts]);
  const rubrics = useMemo(() => {
    const counts = new Map<string, number>();
    for (const f of latest) counts.set(f.rubricId, (counts.get(f.rubricId) ?? 0) + 1);
    return rubricChoices(counts);
  }, [latest]);
  const rubricId = chosen(filters.rubricId, rubrics.ids) ?? rubrics.preferred ?? '';
  const ofRubric = useMemo(() => latest.filter((f) => f.rubricId === rubricId), [latest, rubricId]);
  const options = useMemo(() => filterOptions(ofRubric), [ofRubric]);
  const { filter, previousBounds } = resolveFilter(filters, rubricId, options);
  const { from, to, region, siteKey, auditor } = filter;

  const { inView, previous } = useMemo(() => {
    const current = { rubricId, from, to, region, siteKey, auditor };
    const before = previousBounds ? { ...current, ...previousBounds } : undefined;
    return { inView: applyFilter(ofRubric, current), previous: before ? applyFilter(ofRubric, before) : [] };
    // previousBounds follows from `from` and `to`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ofRubric, rubricId, from, to, region, siteKey, auditor]);

  const ranking = useMemo(
    (): RankedSite[] => rankSites(inView, previous, bottomN).map((r, i) => ({ ...r, rank: i + 1 })),
    [inView, previous, bottomN],
  );
  const heat = useMemo(() => heatMap(inView), [inView]);
  const { trendSite, cellSite, cellItem } = selectionOf(ranking, heat.items, trendChoice, cellChoice);
  const trend = useMemo(() => (trendSite ? siteTrend(inView, trendSite.siteKey) : []), [inView, trendSite]);
  // Grades and notes are read only for the cell opened: the dashboard itself holds summaries.
  const cellFacts = useMemo(
    () => (cellSite ? inView.filter((f) => f.siteKey === cellSite.siteKey) : []),
    [inView, cellSite],
  );
  const detailed = useLiveQuery(() => own.withUnits(cellFacts), [own, cellFacts]);
  const drill = useMemo(
    () => (cellSite && cellItem && detailed ? drillDown(detailed, cellSite.siteKey, cellItem.id) : undefined),
    [detailed, cellSite, cellItem],
  );
  const signerLabel = useSignerLabel();
  const signers = useMemo(() => new Map(inView.map((f) => [f.auditId, f.signer])), [inView]);

  const data = useMemo(
    (): DashboardData => ({
      rubricIds: rubrics.ids,
      rubricId,
      options,
      bounds: { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
      previousBounds,
      inView: inView.length,
      ranking,
      heat,
      trend,
      drill,
      signerOf: (auditId) => signerLabel(signers.get(auditId) ?? ''),
      csv: { kind: 'local', facts: inView },
    }),
    // previousBounds follows from `from` and `to`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rubrics, rubricId, options, from, to, inView, ranking, heat, trend, drill, signerLabel, signers],
  );
  return { latest, data: latest.length === 0 ? undefined : data };
}
