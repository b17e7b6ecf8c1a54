import { z } from 'zod';
import { siteSchema as auditSiteSchema, type Site } from '../domain/index';
import type { siteProposalSchema, siteSchema as serverSiteSchema } from '../domain/wire';
import type { SiteRow } from './db';
import { type StoreContext, run } from './store-context';

type ServerSite = z.infer<typeof serverSiteSchema>;
type ProposalDecision = z.infer<typeof siteProposalSchema>;

/** The row id of a server's site: one row per code, so a later sync updates it in place. */
export const serverSiteId = (code: string): string => `server:${code}`;

/** What the server said of a site (a row without it is the tablet's own). Unindexed; parsed when read. */
export const serverSiteFieldsSchema = z.strictObject({
  version: z.literal(1),
  manager: z.string().nullable(),
  /** A retired site leaves the picker; audits that name it keep their own copy of it. */
  active: z.boolean(),
  changeSeq: z.number().int(),
  updatedAt: z.string(),
});

/**
 * A site an auditor added while the tablet was linked to a server: usable at once, and sent to the server as a
 * proposal. `unsent` until the server recorded it; then what head office decided. `refused`: the server would
 * not record it (the reason is kept to show).
 */
export const proposalFieldsSchema = z.strictObject({
  version: z.literal(1),
  status: z.enum(['unsent', 'pending', 'accepted', 'merged', 'refused']),
  /** Accepted or merged: the server's site new audits use instead of this row. */
  siteCode: z.string().nullable(),
  sentAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  message: z.string().nullable(),
});
export type ProposalFields = z.infer<typeof proposalFieldsSchema>;

/** A site row as stored from v1 on; `server` and `proposal` are optional, unindexed parts. */
const siteRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string().optional(),
  region: z.string().optional(),
  lastUsedAt: z.string(),
  server: serverSiteFieldsSchema.optional(),
  proposal: proposalFieldsSchema.optional(),
});
type ParsedSiteRow = z.infer<typeof siteRowSchema>;

/** The site an audit records (id, name, code, region), from a row of any kind. */
export function auditSiteOf(row: ParsedSiteRow): Site | undefined {
  const parsed = auditSiteSchema.safeParse({
    id: row.id,
    name: row.name,
    ...(row.code ? { code: row.code } : {}),
    ...(row.region ? { region: row.region } : {}),
  });
  return parsed.success ? parsed.data : undefined;
}

/** One entry of the 新建考核 picker. */
export interface SiteChoice {
  /** The row the auditor picks (the picker's value). */
  readonly id: string;
  readonly group: 'server' | 'proposal' | 'local';
  readonly name: string;
  readonly code: string | undefined;
  readonly region: string | undefined;
  readonly proposal: ProposalFields | undefined;
  /** Accepted or merged: the server site's name, to show 已合并到 X. */
  readonly targetName: string | undefined;
  /** What a new audit records when this entry is picked (an accepted or merged proposal: the server's site). */
  readonly site: Site;
}

const byRecentThenName = (a: ParsedSiteRow, b: ParsedSiteRow) =>
  b.lastUsedAt.localeCompare(a.lastUsedAt) || (a.code ?? a.name).localeCompare(b.code ?? b.name, 'zh-CN');

async function readSiteRows(ctx: StoreContext): Promise<ParsedSiteRow[]> {
  const rows = await run(() => ctx.db.sites.toArray());
  return rows.flatMap((row) => {
    const parsed = siteRowSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * The 新建考核 picker: the server's active sites first, then sites added here as proposals (with their state),
 * then sites this tablet knew before it was linked; each group most recently used first. Retired server sites
 * are left out (an audit that names one keeps its own copy of the site).
 */
export async function listSiteChoices(ctx: StoreContext): Promise<SiteChoice[]> {
  const rows = (await readSiteRows(ctx)).sort(byRecentThenName);
  const serverRows = new Map(rows.filter((r) => r.server).map((r) => [r.id, r]));
  const groupOf = (row: ParsedSiteRow): SiteChoice['group'] =>
    row.server ? 'server' : row.proposal ? 'proposal' : 'local';
  const order = { server: 0, proposal: 1, local: 2 } as const;
  return rows
    .filter((row) => row.server?.active !== false)
    .flatMap((row): SiteChoice[] => {
      const decided = row.proposal?.siteCode ? serverRows.get(serverSiteId(row.proposal.siteCode)) : undefined;
      const site = auditSiteOf(decided ?? row);
      if (!site) return [];
      return [
        {
          id: row.id,
          group: groupOf(row),
          name: row.name,
          code: row.code,
          region: row.region,
          proposal: row.proposal,
          targetName: decided?.name ?? row.proposal?.siteCode ?? undefined,
          site,
        },
      ];
    })
    .sort((a, b) => order[a.group] - order[b.group]);
}

/** The row for a server's site, keeping when this tablet last used it. Call inside a transaction on `sites`. */
export async function putServerSite(ctx: StoreContext, site: ServerSite): Promise<void> {
  const id = serverSiteId(site.code);
  const existing = siteRowSchema.safeParse(await ctx.db.sites.get(id));
  const held = existing.success ? existing.data : undefined;
  // A feed never goes back, but a replayed answer must not undo a newer one.
  if (held?.server && held.server.changeSeq > site.changeSeq) return;
  const row: SiteRow = {
    id,
    name: site.name,
    code: site.code,
    ...(site.region ? { region: site.region } : {}),
    lastUsedAt: held?.lastUsedAt ?? '',
    server: {
      version: 1,
      manager: site.manager,
      active: site.active,
      changeSeq: site.changeSeq,
      updatedAt: site.updatedAt,
    },
  };
  await ctx.db.sites.put(row);
}

/**
 * Head office decided on a proposal of this tablet's: the row now points at the server's site for new audits.
 * Audits already made keep the site they recorded (sealed ones never change). Call inside a transaction on `sites`.
 */
export async function applyProposalDecision(ctx: StoreContext, decision: ProposalDecision): Promise<boolean> {
  const existing = siteRowSchema.safeParse(await ctx.db.sites.get(decision.id));
  if (!existing.success || !existing.data.proposal) return false;
  const proposal: ProposalFields = {
    ...existing.data.proposal,
    status: decision.status === 'pending' ? 'pending' : decision.status,
    siteCode: decision.siteCode,
    decidedAt: decision.decidedAt,
    message: null,
  };
  await ctx.db.sites.update(decision.id, { proposal });
  return true;
}

/** Sites added here that the server has not recorded yet, oldest first (a refused one is not sent again). */
export async function unsentProposals(ctx: StoreContext): Promise<ParsedSiteRow[]> {
  return (await readSiteRows(ctx))
    .filter((row) => row.proposal?.status === 'unsent')
    .sort((a, b) => a.lastUsedAt.localeCompare(b.lastUsedAt));
}

/** The server recorded the proposal (or refused it, with its reason). Leaves a decided proposal as it is. */
export async function markProposalSent(
  ctx: StoreContext,
  id: string,
  outcome: { readonly status: 'pending' | 'accepted' | 'merged' | 'refused'; readonly siteCode: string | null; readonly message: string | null },
): Promise<void> {
  await run(() =>
    ctx.db.transaction('rw', ctx.db.sites, async () => {
      const existing = siteRowSchema.safeParse(await ctx.db.sites.get(id));
      if (!existing.success || existing.data.proposal?.status !== 'unsent') return;
      const proposal: ProposalFields = {
        ...existing.data.proposal,
        status: outcome.status,
        siteCode: outcome.siteCode,
        sentAt: ctx.now(),
        message: outcome.message,
      };
      await ctx.db.sites.update(id, { proposal });
    }),
  );
}

/** A new site row for an audit: a proposal when the tablet is linked to a server, else the tablet's own. */
export function newSiteRow(site: Site, now: string, isLinked: boolean): SiteRow {
  return {
    ...site,
    lastUsedAt: now,
    ...(isLinked
      ? {
          proposal: {
            version: 1,
            status: 'unsent',
            siteCode: null,
            sentAt: null,
            decidedAt: null,
            message: null,
          } satisfies ProposalFields,
        }
      : {}),
  };
}

/** The audit-site view of every row (the old listSites): retired server sites left out. */
export async function listAuditSites(ctx: StoreContext): Promise<Site[]> {
  return (await readSiteRows(ctx))
    .filter((row) => row.server?.active !== false)
    .sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((row) => {
      const site = auditSiteOf(row);
      return site ? [site] : [];
    });
}
