import { useTranslation } from 'react-i18next';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { noteServiceWorker } from '../service-worker-state';

/**
 * A new version waits until the auditor chooses to update: the service worker is registered with
 * registerType "prompt", so nothing reloads under someone mid-audit.
 */
export function UpdatePrompt() {
  const { t } = useTranslation();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW: (_url, registration) => {
      noteServiceWorker(registration !== undefined);
    },
    onRegisterError: () => {
      noteServiceWorker(false);
    },
  });
  if (!needRefresh) return null;
  return (
    <div className="banner banner--info" role="status" data-testid="update-prompt">
      <p>
        {t('app.updateAvailable')} {t('app.updateFinishFirst')}
      </p>
      <div className="banner__actions">
        <button
          type="button"
          className="button button--primary"
          onClick={() => {
            // workbox-window reloads only a page that a worker controlled when it registered; the first-visit
            // page, claimed by the first worker later on, would otherwise keep running the old version.
            navigator.serviceWorker.addEventListener(
              'controllerchange',
              () => {
                window.location.reload();
              },
              { once: true },
            );
            void updateServiceWorker(true);
          }}
        >
          {t('app.updateNow')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setNeedRefresh(false);
          }}
        >
          {t('app.updateLater')}
        </button>
      </div>
    </div>
  );
}
