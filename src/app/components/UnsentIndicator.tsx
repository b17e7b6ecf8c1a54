import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { SyncStatus } from '../sync/use-sync-status';

/** The header's count of finalised audits the server has not acknowledged; opens the list filtered to them. */
export function UnsentIndicator({ status }: { status: SyncStatus | undefined }) {
  const { t } = useTranslation();
  if (!status?.link) return null;
  const { unsent, state } = status;
  const isSessionLost = state.sessionLost !== null;
  return (
    <Link
      to="/?unsent=1"
      className={unsent > 0 || isSessionLost ? 'badge badge--warn unsent-indicator' : 'badge unsent-indicator'}
      // A description, not the name: an aria-label unlike the words shown is what voice control cannot match (WCAG 2.5.3).
      title={t('sync.unsentIndicatorLabel', { count: unsent })}
      data-testid="unsent-indicator"
      data-count={unsent}
    >
      {t('sync.unsentIndicator', { count: unsent })}
      {isSessionLost && ` · ${t('sync.sessionLostIndicator')}`}
    </Link>
  );
}
