import { useLiveQuery } from 'dexie-react-hooks';
import { SERVER_LINK_SETTING, serverLinkSchema, type ServerLink } from '../../storage/server-link';
import { useStore } from '../providers/store-provider';

export type ServerLinkState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'signed-in'; readonly link: ServerLink };

/**
 * The stored server link, live: signing in or out (in 设置) changes what the header and the admin screens
 * show at once. A row that no longer parses counts as signed out, as readServerLink treats it.
 */
export function useServerLink(): ServerLinkState {
  const store = useStore();
  // Wrapped, so "no row" (undefined) is told apart from "not read yet" (useLiveQuery's undefined).
  const read = useLiveQuery(
    () => store.getSetting(SERVER_LINK_SETTING).then((value) => ({ value })),
    [store],
  );
  if (read === undefined) return { kind: 'loading' };
  const parsed = serverLinkSchema.safeParse(read.value);
  return parsed.success ? { kind: 'signed-in', link: parsed.data } : { kind: 'signed-out' };
}
