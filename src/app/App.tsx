import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { HashRouter, NavLink, Route, Routes } from 'react-router';
import { currentLanguage, setLanguage } from '../i18n/index';
import { ErrorBoundary } from './components/ErrorBoundary';
import { SaveErrorBanner, SaveStatus } from './components/SaveStatus';
import { UpdatePrompt } from './components/UpdatePrompt';
import { VersionChangeBanner } from './components/VersionChangeBanner';
import { useFullerFontWarmUp } from './hooks/use-fuller-font';
import { useStoragePersistence } from './hooks/use-storage-persistence';

// Each screen is its own chunk: the list opens fast, the scoring form loads on first use.
const AuditListPage = lazy(() =>
  import('./features/audit-list/AuditListPage').then((m) => ({ default: m.AuditListPage })),
);
const NewAuditPage = lazy(() =>
  import('./features/new-audit/NewAuditPage').then((m) => ({ default: m.NewAuditPage })),
);
const ScoringPage = lazy(() =>
  import('./features/scoring/ScoringPage').then((m) => ({ default: m.ScoringPage })),
);
const SettingsPage = lazy(() =>
  import('./features/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })),
);
const ReviewPage = lazy(() =>
  import('./features/review/ReviewPage').then((m) => ({ default: m.ReviewPage })),
);
const DashboardPage = lazy(() =>
  import('./features/dashboard/DashboardPage').then((m) => ({ default: m.DashboardPage })),
);

export function App() {
  const { t } = useTranslation();
  const persistence = useStoragePersistence();
  useFullerFontWarmUp();
  const other = currentLanguage() === 'zh-CN' ? 'en' : 'zh-CN';
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
          <NavLink to="/settings" className="nav-link">
            {t('app.nav.settings')}
          </NavLink>
        </nav>
        <SaveStatus />
        <button
          type="button"
          className="button button--ghost"
          lang={other}
          onClick={() => void setLanguage(other)}
          data-testid="language-switch"
        >
          {t('app.switchTo')}
        </button>
      </header>
      <UpdatePrompt />
      <SaveErrorBanner />
      <VersionChangeBanner />
      {persistence === 'best-effort' && (
        <p className="banner banner--warn" role="note">
          {t('app.storageNotPersisted')}
        </p>
      )}
      <main id="main" tabIndex={-1}>
        <ErrorBoundary
          fallback={(error) => (
            <p role="alert" className="banner banner--error">
              {error.message}
            </p>
          )}
        >
          <Suspense fallback={<p className="loading">{t('app.loading')}</p>}>
            <Routes>
              <Route path="/" element={<AuditListPage />} />
              <Route path="/new" element={<NewAuditPage />} />
              <Route path="/audits/:id" element={<ScoringPage />} />
              <Route path="/audits/:id/review" element={<ReviewPage />} />
              <Route path="/settings" element={<SettingsPage />} />
              <Route path="/dashboard" element={<DashboardPage />} />
            </Routes>
          </Suspense>
        </ErrorBoundary>
      </main>
    </HashRouter>
  );
}
