import { useMemo, useState } from 'react';
import type { DashboardControls } from './dashboard-data';
import type { FilterState } from './DashboardFilters';
import type { HeatCellRef } from './HeatMapTable';

const initialFilters: FilterState = {
  rubricId: '',
  period: 'year',
  customFrom: '',
  customTo: '',
  region: '',
  siteKey: '',
  auditor: '',
};

/** The dashboard's choices, held above the data source so a fall back to local data keeps them. */
export function useDashboardControls(): DashboardControls {
  const [filters, setFilters] = useState<FilterState>(initialFilters);
  const [bottomN, setBottomN] = useState(5);
  const [showAll, setShowAll] = useState(false);
  const [trendChoice, setTrendChoice] = useState<string>();
  const [cellChoice, setCellChoice] = useState<HeatCellRef>();
  return useMemo(
    () => ({
      filters,
      setFilters,
      bottomN,
      setBottomN,
      showAll,
      setShowAll,
      trendChoice,
      setTrendChoice,
      cellChoice,
      setCellChoice,
    }),
    [filters, bottomN, showAll, trendChoice, cellChoice],
  );
}
