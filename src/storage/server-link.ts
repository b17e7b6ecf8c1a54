import { z } from 'zod';
import { sessionSchema } from '../domain/wire';
import { getSetting, setSetting } from './sites-and-settings';
import { SERVER_LINK_SETTING } from './server-link-key';
import { run, type StoreContext } from './store-context';

export { SERVER_LINK_SETTING };

/**
 * This device's tie to a Ducha server, kept in the settings table: where the server is, who signed in (as the
 * server answered, so the app knows the role while offline), and which device key was enrolled to them. The
 * session itself is an HttpOnly cookie the app never sees.
 */
export const serverLinkSchema = z.strictObject({
  version: z.literal(1),
  /** An origin without a trailing slash; '' is the origin the app was loaded from. */
  serverUrl: z.string(),
  session: sessionSchema,
  signedInAt: z.string(),
  /** The device key's id as the server's register holds it; null until enrolment succeeded (not an auditor, or refused). */
  enrolledKeyId: z.string().nullable(),
});
export type ServerLink = z.infer<typeof serverLinkSchema>;

/** The stored link, or undefined when signed out (or when the stored row no longer parses: treated as signed out). */
export async function readServerLink(ctx: StoreContext): Promise<ServerLink | undefined> {
  const parsed = serverLinkSchema.safeParse(await getSetting(ctx, SERVER_LINK_SETTING));
  return parsed.success ? parsed.data : undefined;
}

export async function saveServerLink(ctx: StoreContext, link: ServerLink): Promise<void> {
  await setSetting(ctx, SERVER_LINK_SETTING, serverLinkSchema.parse(link));
}

export async function clearServerLink(ctx: StoreContext): Promise<void> {
  await run(() => ctx.db.settings.delete(SERVER_LINK_SETTING));
}
