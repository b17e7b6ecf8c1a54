import { useTranslation } from 'react-i18next';
import { useSaveState, useSaveTracker } from '../providers/save-tracker';

/** Tells the auditor, always, whether the last tap is safely stored. */
export function SaveStatus() {
  const { t } = useTranslation();
  const state = useSaveState(({ pending, failure }) =>
    failure ? 'failed' : pending > 0 ? 'saving' : 'saved',
  );
  return (
    <span
      className={`save-status save-status--${state}`}
      role="status"
      aria-live="polite"
      data-testid="save-status"
      data-state={state}
    >
      {t(`save.${state}`)}
    </span>
  );
}

export function SaveErrorBanner() {
  const { t } = useTranslation();
  const { dismiss } = useSaveTracker();
  const failure = useSaveState((state) => state.failure);
  const isBannerDismissed = useSaveState((state) => state.isBannerDismissed);
  if (!failure || isBannerDismissed) return null;
  return (
    <div className="banner banner--error" role="alert" data-testid="save-error">
      <p>{t(`save.error.${failure.kind}`, { detail: failure.detail })}</p>
      <div className="banner__actions">
        <button type="button" className="button button--primary" onClick={failure.retry}>
          {t('save.retry')}
        </button>
        <button type="button" className="button" onClick={dismiss}>
          {t('save.dismiss')}
        </button>
      </div>
    </div>
  );
}
