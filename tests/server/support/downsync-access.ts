import type { Role } from '../../../src/server/auth/roles';
import type { API_ROUTES } from '../../../src/server/http/api-routes';

const everyRole: readonly Role[] = ['admin', 'auditor', 'site-manager'];

/**
 * Who may call each down-sync and head-office route: downsync-roles.test.ts checks these, and route-access.test.ts
 * takes every other route (a route in neither table does not compile there).
 */
export const DOWNSYNC_ACCESS = {
  sync: everyRole,
  listSites: everyRole,
  listRubrics: everyRole,
  getRubric: everyRole,
  putSite: ['admin'],
  publishRubric: ['admin'],
  listSiteProposals: ['admin'],
  decideSiteProposal: ['admin'],
  proposeSite: ['admin', 'auditor'],
  postBundle: ['admin', 'auditor'],
  headOfficeRanking: everyRole,
  headOfficeTrend: everyRole,
  headOfficeHeatMap: everyRole,
  headOfficeDrillDown: everyRole,
  headOfficeAuditsCsv: everyRole,
  headOfficeUnitsCsv: everyRole,
} satisfies Partial<Record<keyof typeof API_ROUTES, readonly Role[]>>;

export type DownSyncRoute = keyof typeof DOWNSYNC_ACCESS;

export const downSyncTable = (): readonly (readonly [DownSyncRoute, readonly Role[]])[] =>
  Object.entries(DOWNSYNC_ACCESS).flatMap(([name, roles]) => (isDownSyncRoute(name) ? [[name, roles] as const] : []));

function isDownSyncRoute(name: string): name is DownSyncRoute {
  return name in DOWNSYNC_ACCESS;
}
