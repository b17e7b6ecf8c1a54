import { KpiMonthStore } from '../../storage/kpi-month-store';
import type { AuditStore } from '../../storage/audit-store';
import { useStore } from './store-provider';

const kpiMonthStores = new WeakMap<AuditStore, KpiMonthStore>();

/** KPI figures imported on the dashboard, on the same database (imported only by head office's screens). */
export function useKpiMonths(): KpiMonthStore {
  const store = useStore();
  let kpiMonths = kpiMonthStores.get(store);
  if (!kpiMonths) {
    kpiMonths = new KpiMonthStore(store.db);
    kpiMonthStores.set(store, kpiMonths);
  }
  return kpiMonths;
}
