import {
  auditHeaderSchema,
  createAuditHeader,
  rubricFingerprint,
  siteSchema,
  type AuditHeader,
  type AuditMode,
  type Rubric,
} from '../domain/index';
import { SERVER_LINK_SETTING } from './server-link-key';
import { newSiteRow } from './server-sites';
import { AUDITOR_SETTING } from './sites-and-settings';
import { StorageError } from './storage-error';
import { type StoreContext, run } from './store-context';

export interface NewAudit {
  readonly rubric: Rubric;
  readonly site: {
    readonly id?: string;
    readonly name: string;
    readonly code?: string;
    readonly region?: string;
  };
  readonly auditor: string;
  readonly auditedAt: string;
  readonly mode: AuditMode;
}

export async function createAudit(ctx: StoreContext, input: NewAudit): Promise<AuditHeader> {
  const now = ctx.now();
  const site = siteSchema.safeParse({
    id: input.site.id ?? ctx.newId(),
    name: input.site.name,
    ...(input.site.code?.trim() ? { code: input.site.code.trim() } : {}),
    ...(input.site.region?.trim() ? { region: input.site.region.trim() } : {}),
  });
  if (!site.success)
    throw new StorageError('invalid', `site: ${site.error.issues.map((i) => i.message).join('; ')}`);
  const fingerprint = rubricFingerprint(input.rubric);
  const header = auditHeaderSchema.safeParse(
    createAuditHeader({
      id: ctx.newId(),
      rubric: input.rubric,
      rubricFingerprint: fingerprint,
      site: site.data,
      auditor: input.auditor,
      auditedAt: input.auditedAt,
      mode: input.mode,
      now,
    }),
  );
  if (!header.success)
    throw new StorageError(
      'invalid',
      header.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  await run(() =>
    ctx.db.transaction('rw', [ctx.db.audits, ctx.db.rubrics, ctx.db.sites, ctx.db.settings], async () => {
      if (!(await ctx.db.rubrics.get(fingerprint))) {
        await ctx.db.rubrics.put({
          fingerprint,
          rubricId: input.rubric.id,
          content: input.rubric,
          storedAt: now,
        });
      }
      // A known row (a server's site, a proposal) keeps what it is; a new one is a proposal when linked to a server.
      const known = await ctx.db.sites.get(site.data.id);
      if (known) await ctx.db.sites.put({ ...known, ...site.data, lastUsedAt: now });
      else {
        const isLinked = (await ctx.db.settings.get(SERVER_LINK_SETTING)) !== undefined;
        await ctx.db.sites.put(newSiteRow(site.data, now, isLinked));
      }
      await ctx.db.settings.put({ key: AUDITOR_SETTING, value: header.data.auditor });
      await ctx.db.audits.add(header.data);
    }),
  );
  return header.data;
}
