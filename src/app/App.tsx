import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HashRouter, NavLink, Route, Routes, useLocation } from 'react-router';
import { currentLanguage, setLanguage } from '../i18n/index';
import { AdminNavLink } from './components/AdminNavLink';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ScreenError } from './components/ScreenError';
import { SaveErrorBanner, SaveStatus } from './components/SaveStatus';
import { UnsentIndicator } from './components/UnsentIndicator';
import { UpdatePrompt } from './components/UpdatePrompt';
import { VersionChangeBanner } from './components/VersionChangeBanner';
import { useFullerFontWarmUp } from './hooks/use-fuller-font';
import { useStoragePersistence } from './hooks/use-storage-persistence';
import { useStoredServerLink } from './hooks/use-stored-server-link';
import { forgetFailedImports } from './retrying-import';
import { routeTable } from './route-table';
import { preloadScreensWhenIdle, screens } from './screens';
import { useDownSync } from './sync/use-down-sync';
import { useSyncEngine, useSyncStatus } from './sync/use-sync-status';

export function App() {
  const { t } = useTranslation();
  const persistence = useStoragePersistence();
  useFullerFontWarmUp();
  useDownSync();
  useSyncEngine();
  const sync = useSyncStatus();
  const unsent = sync?.link ? sync.unsent : 0;
  const other = currentLanguage() === 'zh-CN' ? 'en' : 'zh-CN';
  // The other catalogue is fetched on the switch; offline (and not cached) that fails, and says so.
  const [isLanguageUnavailable, setLanguageUnavailable] = useState(false);
  useEffect(() => preloadScreensWhenIdle(), []);
  // Only a 管理处负责人 signed in to the server has a 本单位考核 screen to go to.
  const isSiteManager = useStoredServerLink()?.session.role === 'site-manager';
  return (
    <HashRouter>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <span className="app-header__brand">
          <img src="favicon.svg" alt="" width={28} height={28} />
          {t('app.name')}
        </span>
        <nav aria-label={t('app.name')} className="app-header__nav">
          <NavLink to="/" end className="nav-link">
            {t('app.nav.audits')}
          </NavLink>
          <NavLink to="/new" className="nav-link">
            {t('app.nav.newAudit')}
          </NavLink>
          <NavLink to="/dashboard" className="nav-link">
            {t('dashboard.nav')}
          </NavLink>
          {isSiteManager && (
            <NavLink to="/site-audits" className="nav-link" data-testid="nav-site-audits">
              {t('siteAudits.nav')}
            </NavLink>
          )}
          <NavLink to="/settings" className="nav-link">
            {t('app.nav.settings')}
          </NavLink>
          <AdminNavLink />
        </nav>
        <UnsentIndicator status={sync} />
        <SaveStatus />
        <button
          type="button"
          className="button button--ghost"
          lang={other}
          onClick={() => {
            setLanguage(other).then(
              () => {
                setLanguageUnavailable(false);
              },
              () => {
                setLanguageUnavailable(true);
              },
            );
          }}
          data-testid="language-switch"
        >
          {t('app.switchTo')}
        </button>
      </header>
      {isLanguageUnavailable && (
        <p className="banner banner--warn" role="alert" data-testid="language-unavailable">
          {t('app.languageUnavailable')}
        </p>
      )}
      <UpdatePrompt />
      <SaveErrorBanner />
      <VersionChangeBanner />
      {persistence === 'best-effort' && (
        <p className="banner banner--warn" role="note" data-testid="storage-not-persisted">
          {unsent > 0 ? t('sync.storageNotPersistedUnsent', { count: unsent }) : t('app.storageNotPersisted')}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <CurrentScreen />
      </main>
    </HashRouter>
  );
}

/** The screen for the route. A screen that failed is dropped on navigation, so the others keep working. */
function CurrentScreen() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  return (
    <ErrorBoundary
      resetKey={pathname}
      onError={forgetFailedImports}
      fallback={(error, retry) => <ScreenError error={error} retry={retry} />}
    >
      <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
        <Routes>
          {routeTable.map(({ path, screen }) => {
            const { Screen } = screens[screen];
            return <Route key={path} path={path} element={<Screen />} />;
          })}
        </Routes>
      </Suspense>
    </ErrorBoundary>
  );
}
