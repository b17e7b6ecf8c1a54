import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerLink } from '../../../storage/server-link';
import { useStoredServerLink } from '../../hooks/use-stored-server-link';

/** Shows its children only to someone signed in to the server; says how to sign in otherwise. */
export function SignedIn({ children }: { children: (link: ServerLink) => ReactNode }) {
  const { t } = useTranslation();
  const link = useStoredServerLink();
  if (link === undefined) return <p className="loading">{t('app.loading')}</p>;
  if (link === null)
    return (
      <p className="banner banner--info" data-testid="site-audits-signed-out">
        {t('siteAudits.notSignedIn')}
      </p>
    );
  return children(link);
}

