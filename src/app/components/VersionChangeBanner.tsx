import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSaveState, useSaveTracker } from '../providers/save-tracker';
import { useStore } from '../providers/store-provider';

/**
 * Another tab opened a newer version of the app's database. This tab lets its running writes finish,
 * then closes its connection (so the newer tab can upgrade) and asks the auditor to refresh.
 */
export function VersionChangeBanner() {
  const store = useStore();
  const { settled } = useSaveTracker();
  const [isOutdated, setIsOutdated] = useState(false);

  useEffect(
    () =>
      store.onVersionChange(() => {
        setIsOutdated(true);
      }, settled),
    [store, settled],
  );

  return isOutdated ? <OutdatedBanner /> : null;
}

/** Follows the save status only once shown: until then a tap's 保存中 / 已保存 re-renders nothing here. */
function OutdatedBanner() {
  const { t } = useTranslation();
  const isBusy = useSaveState((state) => state.pending > 0);
  const hasFailed = useSaveState((state) => state.failure !== undefined);
  return (
    <div className="banner banner--warn" role="alert" data-testid="version-change">
      <p>
        {t('app.versionChange')} {isBusy ? t('app.versionChangeSaving') : ''}
        {hasFailed ? t('app.versionChangeUnsaved') : ''}
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
