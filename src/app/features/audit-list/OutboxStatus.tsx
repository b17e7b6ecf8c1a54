import { useTranslation } from 'react-i18next';
import type { OutboxEntry } from '../../../storage/outbox';
import { formatDateTime } from '../../format';

type HeldReason = 'unknown-key' | 'unknown-rubric' | 'missing-predecessor';
const HELD_REASONS: ReadonlyMap<string, HeldReason> = new Map(
  (['unknown-key', 'unknown-rubric', 'missing-predecessor'] satisfies HeldReason[]).map((r) => [r, r]),
);

/** One finalised revision's way to the server: its status, and for a failure the reason and what to do. */
export function OutboxStatus({ entry }: { entry: OutboxEntry }) {
  const { t, i18n } = useTranslation();
  const { status, lastError, receipt, conflict } = entry;
  const heldReasonText = (reason: HeldReason | undefined, message: string) =>
    reason === undefined ? message : t(`sync.heldReason.${reason}`);
  const showsError = lastError !== null && status !== 'uploaded' && status !== 'conflict';
  return (
    <div
      className={`outbox-status outbox-status--${status}`}
      data-testid="outbox-status"
      data-status={status}
      data-audit-id={entry.auditId}
      data-revision={entry.revision}
    >
      <span className="outbox-status__label">{t(`sync.status.${status}`)}</span>
      {status === 'uploaded' && receipt !== null && (
        <span className="outbox-status__detail">
          {t('sync.uploadedAt', { time: formatDateTime(receipt.at, i18n.language) })}
          {receipt.held && (
            <span data-testid="outbox-held">
              {' '}
              ·{' '}
              {t('sync.held', {
                reason: heldReasonText(HELD_REASONS.get(receipt.held.reason), receipt.held.message),
              })}
            </span>
          )}
        </span>
      )}
      {status === 'conflict' && conflict !== null && (
        <div className="outbox-status__detail" role="note" data-testid="outbox-conflict">
          <p>{t('sync.conflict', { revision: entry.revision })}</p>
          <dl className="outbox-status__hashes">
            <dt>{t('sync.conflictOurs')}</dt>
            <dd>
              <code data-testid="conflict-ours">{conflict.incomingHash}</code>
            </dd>
            <dt>{t('sync.conflictTheirs')}</dt>
            <dd>
              <code data-testid="conflict-theirs">{conflict.existingHash}</code>
            </dd>
          </dl>
        </div>
      )}
      {showsError && (
        <div className="outbox-status__detail" data-testid="outbox-error" data-code={lastError.code}>
          <p>{t('sync.lastError', { message: lastError.message })}</p>
          <p data-testid="outbox-action" data-action={lastError.action}>
            {t(`sync.action.${lastError.action}`)}
          </p>
          {status === 'pending' && entry.attempts > 0 && (
            <p>{t('sync.attempts', { count: entry.attempts, time: formatDateTime(entry.nextAttemptAt, i18n.language) })}</p>
          )}
        </div>
      )}
    </div>
  );
}
