import { useTranslation } from 'react-i18next';
import { ChunkLoadError } from '../retrying-import';

/** A screen that failed: in words the auditor can act on, with 重试 that tries again in place (no reload). */
export function ScreenError({ error, retry }: { error: Error; retry: () => void }) {
  const { t } = useTranslation();
  const isNotOnDevice = error instanceof ChunkLoadError;
  return (
    <div
      role="alert"
      className="banner banner--error"
      data-testid="screen-error"
      data-kind={isNotOnDevice ? 'not-on-device' : 'failed'}
    >
      <p>{isNotOnDevice ? t('app.screenNotOnDevice') : error.message}</p>
      <div className="banner__actions">
        <button type="button" className="button button--primary" onClick={retry} data-testid="screen-retry">
          {t('app.retry')}
        </button>
      </div>
    </div>
  );
}
