import { loadCatalogue, currentLanguage } from '../i18n/index';
import { lazyScreen, type LazyScreen } from './lazy-screen';
import { loadOwnAudits } from './providers/store-provider';
import { serviceWorkerRegistered } from './service-worker-state';
import { loadShippedRubrics } from './shipped-rubrics';

// Each screen is its own chunk: the list opens fast, the scoring form loads on first use.
export const screens = {
  auditList: lazyScreen(() => import('./features/audit-list/AuditListPage').then((m) => m.AuditListPage)),
  // The rubrics are chunks of their own: the screen opens with them, so it also works offline once fetched.
  newAudit: lazyScreen(() =>
    loadShippedRubrics().then(() => import('./features/new-audit/NewAuditPage').then((m) => m.NewAuditPage)),
  ),
  scoring: lazyScreen(() => import('./features/scoring/ScoringPage').then((m) => m.ScoringPage)),
  review: lazyScreen(() => import('./features/review/ReviewPage').then((m) => m.ReviewPage)),
  settings: lazyScreen(() => import('./features/settings/SettingsPage').then((m) => m.SettingsPage)),
  // The dashboard brings its own code (this device's seals compared, the bundle writer) with it: see store-provider.
  dashboard: lazyScreen(() =>
    Promise.all([loadOwnAudits(), import('./features/dashboard/DashboardPage')]).then(
      ([, m]) => m.DashboardPage,
    ),
  ),
  // A 管理处负责人's screens read from the server: an auditor's tablet never opens them.
  siteAudits: lazyScreen(() => import('./features/site-audits/SiteAuditsPage').then((m) => m.SiteAuditsPage)),
  siteAudit: lazyScreen(() => import('./features/site-audits/SiteAuditPage').then((m) => m.SiteAuditPage)),
  // Head office's server screens: never preloaded and not precached (vite.config.ts), so no tablet downloads them.
  admin: lazyScreen(() => import('./features/admin/AdminPage').then((m) => m.AdminPage)),
  // For whoever holds a printed or e-mailed sheet (its QR code opens it): never part of a tablet's screens.
  verify: lazyScreen(() => import('./features/verify/VerifyPage').then((m) => m.VerifyPage)),
} satisfies Record<string, LazyScreen>;

export type ScreenName = keyof typeof screens;
const auditorScreens: readonly ScreenName[] = ['auditList', 'newAudit', 'scoring', 'review', 'settings'];

/**
 * What a service worker would serve offline and the page has not fetched: head office's screen and the other
 * language. Where a worker is registered it precaches them (the page never downloads them); where there is
 * none (refused, or not supported) the page fetches them itself.
 */
async function preloadWhatNoWorkerHolds(): Promise<boolean> {
  if (await serviceWorkerRegistered) return true;
  const other = currentLanguage() === 'zh-CN' ? 'en' : 'zh-CN';
  const loaded = await Promise.all([
    screens.dashboard.preload(),
    loadCatalogue(other).then(
      () => true,
      () => false,
    ),
  ]);
  return loaded.every(Boolean);
}

/**
 * Fetches the auditor's other screens once the first screen is up. On the very first visit the service worker
 * is still installing and does not yet control the page, so its precache cannot serve a screen opened after
 * the network drops; chunks already loaded here can. Head office's screen is left to the worker where there is
 * one (an auditor never downloads its code; offline before the worker has installed, it says so with 重试).
 * Idle time only: the first screen comes first.
 */
export function preloadScreensWhenIdle(): () => void {
  const preloadAll = () => {
    void Promise.all([
      ...auditorScreens.map((name) => screens[name].preload()),
      preloadWhatNoWorkerHolds(),
    ]).then((loaded) => {
      // Says (to diagnostics and the browser tests) that every screen now opens without the network: from
      // what this page fetched, or, for head office's screen where a worker is registered, from its precache.
      if (loaded.every(Boolean)) document.documentElement.dataset.screensPreloaded = 'true';
    });
  };
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(preloadAll, { timeout: 2000 });
    return () => {
      cancelIdleCallback(handle);
    };
  }
  // Safari before 18 has no requestIdleCallback.
  const handle = setTimeout(preloadAll, 500);
  return () => {
    clearTimeout(handle);
  };
}
