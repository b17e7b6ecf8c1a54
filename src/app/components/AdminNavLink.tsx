import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { isAdminLink, useServerLink } from '../hooks/use-server-link';

/**
 * 管理 in the header, for a device signed in to the server as head office only. Its own component, so the
 * stored link arriving re-renders this link and not the whole app.
 */
export function AdminNavLink() {
  const { t } = useTranslation();
  const link = useServerLink();
  if (!isAdminLink(link)) return null;
  return (
    <NavLink to="/admin" className="nav-link" data-testid="nav-admin">
      {t('admin.nav')}
    </NavLink>
  );
}
