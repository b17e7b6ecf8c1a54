import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { z } from 'zod';
import type { Role } from '../../domain/wire';
import { SERVER_LINK_SETTING } from '../../storage/server-link-key';
import { useStore } from '../providers/store-provider';

/**
 * Only the role of the stored link, not serverLinkSchema: that schema brings the API's wire schemas (and
 * head office's code behind them) into every tablet's first bundle. The admin screens parse the whole link.
 */
const adminLinkSchema = z.object({ session: z.object({ role: z.literal('admin' satisfies Role) }) });

/**
 * 管理 in the header, for a device signed in to the server as head office only (the server checks again).
 * Its own component, so the stored link arriving re-renders this link and not the whole app.
 */
export function AdminNavLink() {
  const { t } = useTranslation();
  const store = useStore();
  const isAdmin = useLiveQuery(
    () => store.getSetting(SERVER_LINK_SETTING).then((value) => adminLinkSchema.safeParse(value).success),
    [store],
  );
  if (isAdmin !== true) return null;
  return (
    <NavLink to="/admin" className="nav-link" data-testid="nav-admin">
      {t('admin.nav')}
    </NavLink>
  );
}
