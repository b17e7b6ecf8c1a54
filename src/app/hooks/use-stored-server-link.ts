import { useLiveQuery } from 'dexie-react-hooks';
import { SERVER_LINK_SETTING, serverLinkSchema, type ServerLink } from '../../storage/server-link';
import { useStore } from '../providers/store-provider';

/**
 * The server link kept in settings (who is signed in, as the server said), live: undefined while it is read,
 * null when signed out or when the stored row no longer parses.
 */
export function useStoredServerLink(): ServerLink | null | undefined {
  const store = useStore();
  return useLiveQuery(async () => {
    const parsed = serverLinkSchema.safeParse(await store.getSetting(SERVER_LINK_SETTING));
    return parsed.success ? parsed.data : null;
  }, [store]);
}
