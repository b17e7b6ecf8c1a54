import { z } from 'zod';
import { isPublicBaseUrl } from '../report/public-base-url';

/**
 * The address head office gave in its last down-sync for sheets to name (their 验证 page), kept on the tablet
 * so a sheet made offline names it too. A settings row: no Dexie version needed. Null: head office has none.
 */
export const PUBLIC_URL_SETTING = 'publicUrl';

export const publicUrlSettingSchema = z.strictObject({
  version: z.literal(1),
  /** The server that said so: a tablet linked to another head office since then takes the new one's word. */
  serverUrl: z.string(),
  publicUrl: z.string().refine(isPublicBaseUrl).nullable(),
});
export type PublicUrlSetting = z.infer<typeof publicUrlSettingSchema>;

/** What a sealed sheet made now should name, if anything, from the stored row. A row that fails its schema names nothing. */
export function publicUrlIn(row: unknown): string | undefined {
  const parsed = publicUrlSettingSchema.safeParse(row);
  return parsed.success ? (parsed.data.publicUrl ?? undefined) : undefined;
}
