import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSaveTracker } from '../providers/save-tracker';
import { useStore } from '../providers/store-provider';

/**
 * Another tab opened a newer version of the app's database. This tab lets its running writes finish,
 * then closes its connection (so the newer tab can upgrade) and asks the auditor to refresh.
 */
export function VersionChangeBanner() {
  const { t } = useTranslation();
  const store = useStore();
  const { settled, pending, failure } = useSaveTracker();
  const [isOutdated, setIsOutdated] = useState(false);

  useEffect(
    () =>
      store.onVersionChange(() => {
        setIsOutdated(true);
      }, settled),
    [store, settled],
  );

  if (!isOutdated) return null;
  const isBusy = pending > 0;
  return (
    <div className="banner banner--warn" role="alert" data-testid="version-change">
      <p>
        {t('app.versionChange')} {isBusy ? t('app.versionChangeSaving') : ''}
        {failure ? t('app.versionChangeUnsaved') : ''}
      </p>
      <div className="banner__actions">
        <button
          type="button"
          className="button button--primary"
          disabled={isBusy}
          onClick={() => {
            window.location.reload();
          }}
        >
          {t('app.reload')}
        </button>
      </div>
    </div>
  );
}
