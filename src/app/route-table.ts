/**
 * The app's screens by hash path. App.tsx routes by it; the build (build-plugins/route-preload.ts) reads it to
 * make index.html preload the code of the screen a URL opens, before the main bundle has even run.
 * `module` is the file screens.ts imports for that screen (the build fails if no chunk comes from it);
 * `rubrics`: the screen needs a shipped rubric (which one, only the audit says), so all of them are preloaded.
 */
export const routeTable = [
  { path: '/', screen: 'auditList', module: 'src/app/features/audit-list/AuditListPage.tsx' },
  { path: '/new', screen: 'newAudit', module: 'src/app/features/new-audit/NewAuditPage.tsx', rubrics: true },
  {
    path: '/audits/:id',
    screen: 'scoring',
    module: 'src/app/features/scoring/ScoringPage.tsx',
    rubrics: true,
  },
  {
    path: '/audits/:id/review',
    screen: 'review',
    module: 'src/app/features/review/ReviewPage.tsx',
    rubrics: true,
  },
  { path: '/settings', screen: 'settings', module: 'src/app/features/settings/SettingsPage.tsx' },
  { path: '/dashboard', screen: 'dashboard', module: 'src/app/features/dashboard/DashboardPage.tsx' },
  { path: '/site-audits', screen: 'siteAudits', module: 'src/app/features/site-audits/SiteAuditsPage.tsx' },
  { path: '/site-audits/:id', screen: 'siteAudit', module: 'src/app/features/site-audits/SiteAuditPage.tsx' },
  { path: '/admin', screen: 'admin', module: 'src/app/features/admin/AdminPage.tsx' },
  { path: '/verify', screen: 'verify', module: 'src/app/features/verify/VerifyPage.tsx' },
] as const;

export type RouteEntry = (typeof routeTable)[number];

/** The path a hash names, as HashRouter reads it: "#/audits/x?focus=1" → "/audits/x". */
export const hashPath = (hash: string): string => hash.replace(/^#/, '').replace(/[?#].*$/, '') || '/';

/**
 * A route's path as a regular expression over hashPath's result, for the build's index.html script (which
 * cannot import this file): ":name" is one non-empty segment, a trailing slash is allowed as HashRouter does.
 */
export const pathPattern = (path: string): string =>
  `^${path
    .split('/')
    .filter(Boolean)
    .map((segment) =>
      segment.startsWith(':') ? '/[^/]+' : `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
    )
    .join('')}/?$`;

const safeDecode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a malformed escape: the screen says the audit is not found
  }
};

/** The route a path matches (as pathPattern says) and its parameters. */
export function matchRoute(path: string): { route: RouteEntry; params: Record<string, string> } | undefined {
  const route = routeTable.find((r) => new RegExp(pathPattern(r.path)).test(path));
  if (route === undefined) return undefined;
  const parts = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  route.path
    .split('/')
    .filter(Boolean)
    .forEach((segment, i) => {
      if (segment.startsWith(':')) params[segment.slice(1)] = safeDecode(parts[i] ?? '');
    });
  return { route, params };
}
