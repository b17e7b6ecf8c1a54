import { z } from 'zod';
import { downSyncSchema, publishedRubricSchema } from '../domain/wire';
import { downSyncStateSchema, DOWN_SYNC_SETTING, isSameLink, type DownSyncState } from './down-sync-state';
import { serverLinkSchema, SERVER_LINK_SETTING, type ServerLink } from './server-link';
import { applyProposalDecision, putServerSite } from './server-sites';
import { checkPublishedVersion, putPublishedVersion, type UnusableRubric } from './server-rubrics';
import { type StoreContext, run } from './store-context';
import { isPublicBaseUrl } from '../report/public-base-url';
import { PUBLIC_URL_SETTING, type PublicUrlSetting } from './public-url-setting';

/**
 * GET /api/sync's answer as the wire schema gives it, except that each rubric document is taken as it comes:
 * a version this app cannot score (a newer kind or format) must not make the whole answer unreadable. Each
 * document is checked on its own (checkPublishedVersion) before it is stored.
 */
export const downSyncAnswerSchema = downSyncSchema.extend({
  rubrics: z.array(publishedRubricSchema.extend({ rubric: z.unknown() })),
});
export type DownSyncAnswer = z.infer<typeof downSyncAnswerSchema>;

export type CommitOutcome =
  | { readonly kind: 'committed'; readonly rubrics: number; readonly sites: number; readonly decisions: number; readonly unusable: number }
  /** Signed out, another server or user, or another run committed first: nothing written; the next run starts afresh. */
  | { readonly kind: 'stale' };

/**
 * Everything one answer brought, in one transaction with the cursor that follows it: a tablet killed half-way
 * keeps the old cursor and simply asks again. Rubric versions are checked before the transaction; ones this
 * app cannot use are listed (for 设置) instead of stored.
 */
export async function commitDownSync(
  ctx: StoreContext,
  link: ServerLink,
  since: number,
  answer: DownSyncAnswer,
  etag: string | undefined,
): Promise<CommitOutcome> {
  const checked = answer.rubrics.map(({ rubric, ...version }) => checkPublishedVersion(version, rubric));
  return run(() =>
    ctx.db.transaction('rw', [ctx.db.sites, ctx.db.rubrics, ctx.db.settings], async (): Promise<CommitOutcome> => {
      const current = serverLinkSchema.safeParse((await ctx.db.settings.get(SERVER_LINK_SETTING))?.value);
      if (!current.success || current.data.serverUrl !== link.serverUrl || current.data.session.username !== link.session.username)
        return { kind: 'stale' };
      const stored = downSyncStateSchema.safeParse((await ctx.db.settings.get(DOWN_SYNC_SETTING))?.value);
      const state = stored.success && isSameLink(stored.data, link) ? stored.data : undefined;
      if ((state?.cursor ?? 0) !== since) return { kind: 'stale' };

      let unusable: UnusableRubric[] = state?.unusableRubrics ?? [];
      for (const version of checked) {
        if (version.ok) await putPublishedVersion(ctx, version);
        else unusable = [...unusable.filter((u) => u.fingerprint !== version.unusable.fingerprint), version.unusable];
      }
      for (const site of answer.sites) await putServerSite(ctx, site);
      let decisions = 0;
      for (const decision of answer.proposals) if (await applyProposalDecision(ctx, decision)) decisions += 1;
      const next: DownSyncState = {
        version: 1,
        serverUrl: link.serverUrl,
        username: link.session.username,
        cursor: answer.cursor,
        // The ETag names the answer to `since`; it can be sent again only when the next `since` is the same.
        etag: answer.cursor === since ? (etag ?? null) : null,
        syncedAt: ctx.now(),
        unusableRubrics: unusable,
      };
      await ctx.db.settings.put({ key: DOWN_SYNC_SETTING, value: next });
      // An address no sheet may print (the server checks its own at start, so only a stranger sends one) is
      // taken as none: the sheet then names no page rather than one that could lead elsewhere.
      const publicUrl: PublicUrlSetting = {
        version: 1,
        serverUrl: link.serverUrl,
        publicUrl: answer.publicUrl !== undefined && isPublicBaseUrl(answer.publicUrl) ? answer.publicUrl : null,
      };
      await ctx.db.settings.put({ key: PUBLIC_URL_SETTING, value: publicUrl });
      return {
        kind: 'committed',
        rubrics: checked.filter((c) => c.ok).length,
        sites: answer.sites.length,
        decisions,
        unusable: checked.filter((c) => !c.ok).length,
      };
    }),
  );
}

