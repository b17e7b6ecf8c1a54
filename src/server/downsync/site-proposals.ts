import type { Kysely } from 'kysely';
import { z } from 'zod';
import { formatPath, type Issue } from '../../domain/head-office';
import type { Database } from '../db/tables';
import { nextChangeSeq } from './change-seq';
import { proposedSiteKey, rekeyProposedSite } from './site-aliases';
import { writeSite, type Site } from './sites-store';
import { proposalDecisionSchema, siteProposalInputSchema } from '../../domain/wire';

export { proposalDecisionSchema, siteProposalInputSchema } from '../../domain/wire';

export interface SiteProposal {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly code: string | null;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly status: 'pending' | 'accepted' | 'merged';
  /** The site it became or was merged into. */
  readonly siteCode: string | null;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  readonly changeSeq: number;
}

type ProposalRow = {
  id: string;
  name: string;
  region: string;
  code: string | null;
  proposed_by: string;
  proposed_at: Date;
  status: 'pending' | 'accepted' | 'merged';
  site_code: string | null;
  decided_at: Date | null;
  decided_by: string | null;
  change_seq: number;
};

const proposalOf = (row: ProposalRow): SiteProposal => ({
  id: row.id,
  name: row.name,
  region: row.region,
  code: row.code,
  proposedBy: row.proposed_by,
  proposedAt: row.proposed_at.toISOString(),
  status: row.status,
  siteCode: row.site_code,
  decidedAt: row.decided_at?.toISOString() ?? null,
  decidedBy: row.decided_by,
  changeSeq: row.change_seq,
});

const columns = [
  'id',
  'name',
  'region',
  'code',
  'proposed_by',
  'proposed_at',
  'status',
  'site_code',
  'decided_at',
  'decided_by',
  'change_seq',
] as const;

const issuesOf = (error: z.ZodError) => error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));

export type ProposeOutcome =
  | { readonly ok: true; readonly value: { status: 'recorded' | 'unchanged'; proposal: SiteProposal } }
  | { readonly ok: false; readonly kind: 'invalid' | 'conflict'; readonly issues: readonly Issue[] };

/** Records a proposal once; the same id again answers what is recorded (a tablet's retry after a lost answer). */
export async function proposeSite(
  db: Kysely<Database>,
  input: unknown,
  by: string,
  at: string,
): Promise<ProposeOutcome> {
  const parsed = siteProposalInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, kind: 'invalid', issues: issuesOf(parsed.error) };
  const proposal = parsed.data;
  return db.transaction().execute(async (trx): Promise<ProposeOutcome> => {
    const existing = await trx.selectFrom('site_proposals').select(columns).where('id', '=', proposal.id).executeTakeFirst();
    if (existing) {
      if (existing.name !== proposal.name || existing.proposed_by !== by)
        return {
          ok: false,
          kind: 'conflict',
          issues: [{ path: 'id', message: `提议 ${proposal.id} 已存在且内容不同 (proposal ${proposal.id} is already here with other content)` }],
        };
      return { ok: true, value: { status: 'unchanged', proposal: proposalOf(existing) } };
    }
    const changeSeq = await nextChangeSeq(trx);
    const row = await trx
      .insertInto('site_proposals')
      .values({
        id: proposal.id,
        name: proposal.name,
        region: proposal.region,
        code: proposal.code?.trim() ? proposal.code.trim().toUpperCase() : null,
        proposed_by: by,
        proposed_at: at,
        status: 'pending',
        change_seq: changeSeq,
      })
      .returning(columns)
      .executeTakeFirstOrThrow();
    return { ok: true, value: { status: 'recorded', proposal: proposalOf(row) } };
  });
}

/** Proposals, oldest first: all, or those still waiting for an admin. */
export async function listProposals(db: Kysely<Database>, onlyPending: boolean): Promise<SiteProposal[]> {
  let query = db.selectFrom('site_proposals').select(columns).orderBy('proposed_at').orderBy('id');
  if (onlyPending) query = query.where('status', '=', 'pending');
  return (await query.execute()).map(proposalOf);
}

/** Decisions on the proposals of one auditor (or everyone's) after a feed position: what a tablet re-maps. */
export async function decidedProposals(db: Kysely<Database>, since: number, proposedBy: string | undefined): Promise<SiteProposal[]> {
  let query = db.selectFrom('site_proposals').select(columns).where('change_seq', '>', since).where('status', '<>', 'pending');
  if (proposedBy !== undefined) query = query.where('proposed_by', '=', proposedBy);
  return (await query.orderBy('change_seq').execute()).map(proposalOf);
}

/**
 * An admin's decision on a pending proposal: accept (a new site) or merge (into a site already here).
 * Decided proposals are not decided again.
 */
export type DecisionOutcome =
  | { readonly ok: true; readonly value: { proposal: SiteProposal; site: Site } }
  | { readonly ok: false; readonly kind: 'invalid' | 'not-found' | 'conflict'; readonly issues: readonly Issue[] };

const refuse = (kind: 'invalid' | 'not-found' | 'conflict', path: string, message: string): DecisionOutcome => ({
  ok: false,
  kind,
  issues: [{ path, message }],
});

export async function decideProposal(db: Kysely<Database>, id: string, input: unknown, by: string, at: string): Promise<DecisionOutcome> {
  const parsed = proposalDecisionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, kind: 'invalid', issues: issuesOf(parsed.error) };
  const decision = parsed.data;
  return db.transaction().execute(async (trx): Promise<DecisionOutcome> => {
    const proposal = await trx.selectFrom('site_proposals').select(columns).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!proposal) return refuse('not-found', 'id', `没有编号为 ${id} 的提议 (no such proposal)`);
    if (proposal.status !== 'pending')
      return refuse('conflict', 'id', `提议 ${id} 已处理 (${proposal.status} → ${proposal.site_code ?? ''})`);
    let site: Site;
    if (decision.decision === 'merge') {
      const into = await trx.selectFrom('sites').select(['code', 'name', 'region', 'manager', 'active', 'updated_at', 'change_seq']).where('code', '=', decision.into).executeTakeFirst();
      if (!into) return refuse('conflict', 'into', `没有编码为 ${decision.into} 的管理处 (no such site)`);
      site = {
        code: into.code,
        siteKey: `code:${into.code}`,
        name: into.name,
        region: into.region,
        manager: into.manager,
        active: into.active,
        updatedAt: into.updated_at.toISOString(),
        changeSeq: into.change_seq,
      };
    } else {
      const code = decision.code ?? proposal.code;
      if (!code) return refuse('invalid', 'code', '接受提议需要管理处编码 (accepting needs a site code)');
      const taken = await trx.selectFrom('sites').select('code').where('code', '=', code).executeTakeFirst();
      if (taken) return refuse('conflict', 'code', `编码 ${code} 已被使用：请合并到该管理处 (code ${code} exists: merge instead)`);
      site = await writeSite(
        trx,
        code,
        {
          name: decision.name ?? proposal.name,
          region: decision.region ?? proposal.region,
          manager: decision.manager ?? null,
          active: true,
        },
        at,
      );
    }
    const changeSeq = await nextChangeSeq(trx);
    const row = await trx
      .updateTable('site_proposals')
      .set({
        status: decision.decision === 'merge' ? 'merged' : 'accepted',
        site_code: site.code,
        decided_at: at,
        decided_by: by,
        change_seq: changeSeq,
      })
      .where('id', '=', id)
      .returning(columns)
      .executeTakeFirstOrThrow();
    await rekeyProposedSite(trx, proposedSiteKey(proposal), site.siteKey);
    return { ok: true, value: { proposal: proposalOf(row), site } };
  });
}
