import { proposalReceiptSchema } from '../../domain/wire';
import type { DuchaDb } from '../../storage/db';
import { commitDownSync, downSyncAnswerSchema } from '../../storage/down-sync-commit';
import { noteUnchanged, readDownSyncState } from '../../storage/down-sync-state';
import { readServerLink, type ServerLink } from '../../storage/server-link';
import { markProposalSent, unsentProposals } from '../../storage/server-sites';
import type { StoreContext } from '../../storage/store-context';
import { callApi, type ApiFailure } from '../server/api-client';

export type DownSyncOutcome =
  | { readonly kind: 'not-linked' }
  /** 304: nothing new since the last answer. */
  | { readonly kind: 'unchanged'; readonly proposalsSent: number }
  | {
      readonly kind: 'updated';
      readonly proposalsSent: number;
      readonly rubrics: number;
      readonly sites: number;
      readonly decisions: number;
      readonly unusable: number;
    }
  /** Signed out or switched while the answer was on its way: nothing stored. */
  | { readonly kind: 'stale'; readonly proposalsSent: number }
  | { readonly kind: 'failed'; readonly proposalsSent: number; readonly failure: ApiFailure };

/** Proposals the server will never take as they are (invalid, taken id, not allowed): kept, shown, not resent. */
const REFUSING_STATUSES = new Set([400, 403, 409]);

/**
 * Sends every site added here while linked that the server has not recorded yet. The id is the tablet's, so a
 * resend after a lost answer is answered 200 and nothing is written twice. Stops at the first failure that is
 * not the proposal's fault (offline, signed out, server trouble): the rest go next time.
 */
async function sendProposals(ctx: StoreContext, link: ServerLink, signal: AbortSignal | undefined): Promise<number> {
  let sent = 0;
  for (const row of await unsentProposals(ctx)) {
    const answer = await callApi(link.serverUrl, {
      method: 'POST',
      path: '/api/site-proposals',
      body: { json: { id: row.id, name: row.name, region: row.region ?? '', ...(row.code ? { code: row.code } : {}) } },
      schema: proposalReceiptSchema,
      ...(signal ? { signal } : {}),
    });
    if (answer.ok) {
      const { status, siteCode } = answer.value.proposal;
      await markProposalSent(ctx, row.id, { status, siteCode, message: null });
      sent += 1;
    } else if (answer.kind === 'http' && REFUSING_STATUSES.has(answer.status)) {
      await markProposalSent(ctx, row.id, {
        status: 'refused',
        siteCode: null,
        message: answer.error?.error.message ?? `HTTP ${answer.status}`,
      });
    } else break;
  }
  return sent;
}

/**
 * One down-sync with the stored server link (none: nothing to do). Sends this tablet's site proposals, then
 * asks GET /api/sync for what changed after the stored cursor, with the ETag of the last answer to that same
 * cursor: an idle tablet costs one small request answered 304. What an answer brings (rubric versions, sites,
 * decisions on proposals) is committed with the next cursor in one transaction.
 */
export async function runDownSync(ctx: StoreContext, options: { readonly signal?: AbortSignal } = {}): Promise<DownSyncOutcome> {
  const link = await readServerLink(ctx);
  if (!link) return { kind: 'not-linked' };
  const proposalsSent = await sendProposals(ctx, link, options.signal);
  const state = await readDownSyncState(ctx, link);
  const since = state?.cursor ?? 0;
  const answer = await callApi(link.serverUrl, {
    path: '/api/sync',
    query: { since },
    schema: downSyncAnswerSchema,
    ...(state?.etag ? { headers: { 'if-none-match': state.etag } } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!answer.ok) {
    if (answer.kind === 'http' && answer.status === 304) {
      await noteUnchanged(ctx, link);
      return { kind: 'unchanged', proposalsSent };
    }
    return { kind: 'failed', proposalsSent, failure: answer };
  }
  const committed = await commitDownSync(ctx, link, since, answer.value, answer.etag);
  return committed.kind === 'stale' ? { kind: 'stale', proposalsSent } : { ...committed, kind: 'updated', proposalsSent };
}

const running = new WeakMap<DuchaDb, Promise<DownSyncOutcome>>();

/** runDownSync, but a call while one is running for the same database joins it instead of starting another. */
export function runDownSyncOnce(ctx: StoreContext, options: { readonly signal?: AbortSignal } = {}): Promise<DownSyncOutcome> {
  const current = running.get(ctx.db);
  if (current) return current;
  const started = runDownSync(ctx, options).finally(() => {
    running.delete(ctx.db);
  });
  running.set(ctx.db, started);
  return started;
}
