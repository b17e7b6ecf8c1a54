import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { StoredAudit } from '../../storage/audit-store';
import { useAudit } from '../hooks/use-audit';

/** Loads the audit named in the route (:id) live, and shows loading or not-found until there is one. */
export function AuditRoute({ children }: { children: (audit: StoredAudit) => ReactNode }) {
  const { id } = useParams();
  const audit = useAudit(id);
  if (audit === 'loading') return <AuditLoading />;
  if (audit === undefined) return <AuditNotFound />;
  return children(audit);
}

export function AuditLoading() {
  const { t } = useTranslation();
  return <p className="loading">{t('app.loading')}</p>;
}

export function AuditNotFound() {
  const { t } = useTranslation();
  return (
    <p role="alert">
      {t('app.notFound')} <Link to="/">{t('app.backToList')}</Link>
    </p>
  );
}
