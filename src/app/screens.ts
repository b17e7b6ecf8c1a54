import { lazyScreen, type LazyScreen } from './lazy-screen';

// Each screen is its own chunk: the list opens fast, the scoring form loads on first use.
export const screens = {
  auditList: lazyScreen(() => import('./features/audit-list/AuditListPage').then((m) => m.AuditListPage)),
  newAudit: lazyScreen(() => import('./features/new-audit/NewAuditPage').then((m) => m.NewAuditPage)),
  scoring: lazyScreen(() => import('./features/scoring/ScoringPage').then((m) => m.ScoringPage)),
  review: lazyScreen(() => import('./features/review/ReviewPage').then((m) => m.ReviewPage)),
  settings: lazyScreen(() => import('./features/settings/SettingsPage').then((m) => m.SettingsPage)),
  dashboard: lazyScreen(() => import('./features/dashboard/DashboardPage').then((m) => m.DashboardPage)),
} satisfies Record<string, LazyScreen>;

