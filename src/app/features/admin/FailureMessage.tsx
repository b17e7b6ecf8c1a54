import { useTranslation } from 'react-i18next';
import type { ApiFailure } from '../../server/api-client';
import { describeFailure } from './admin-errors';

/** A failed call: what happened and what to do in the UI's language, then the server's own words (where: what). */
export function FailureMessage({
  failure,
  testId = 'admin-error',
}: {
  failure: ApiFailure;
  testId?: string;
}) {
  const { t } = useTranslation();
  const error = describeFailure(failure);
  const message =
    error.key === 'rateLimited'
      ? error.retryAfter === undefined
        ? t('admin.error.rateLimitedSoon')
        : t('admin.error.rateLimited', { seconds: error.retryAfter })
      : t(`admin.error.${error.key}`, { status: error.status ?? '' });
  return (
    <div role="alert" className="admin-error" data-testid={testId} data-error={error.key}>
      <p className="field__error">{message}</p>
      <p className="subtitle">{t('admin.details')}</p>
      <ul className="technical" data-testid={`${testId}-details`}>
        {error.details.map((detail, index) => (
          <li key={index}>{detail}</li>
        ))}
      </ul>
    </div>
  );
}

/** What the last action did: a confirmation, or why it failed. */
export type ActionStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'done'; readonly message: string }
  | { readonly kind: 'failed'; readonly failure: ApiFailure };

export function ActionStatusLine({ status, testId }: { status: ActionStatus; testId: string }) {
  return (
    <div aria-live="polite">
      {status.kind === 'done' && (
        <p role="status" className="banner banner--info" data-testid={testId}>
          {status.message}
        </p>
      )}
      {status.kind === 'failed' && <FailureMessage failure={status.failure} testId={`${testId}-error`} />}
    </div>
  );
}
