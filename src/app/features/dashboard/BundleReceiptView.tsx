import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { bundleReceiptSchema } from '../../../domain/wire';

export type BundleReceipt = z.infer<typeof bundleReceiptSchema>;
type Status = BundleReceipt['audits'][number]['status'];

const STATUSES: readonly Status[] = ['stored', 'unchanged', 'held', 'conflict', 'refused'];
const warn: ReadonlySet<Status> = new Set(['held', 'conflict']);

/** The server's decision on each audit of one bundle: counts, then every audit with the server's reason. */
export function BundleReceiptView({ receipt }: { receipt: BundleReceipt }) {
  const { t } = useTranslation();
  const count = (status: Status) => receipt.audits.filter((a) => a.status === status).length;
  return (
    <>
      <ul className="import-counts">
        {STATUSES.filter((s) => count(s) > 0).map((status) => (
          <li
            key={status}
            data-testid={`upload-${status}`}
            data-count={count(status)}
            {...(status === 'refused' ? { className: 'import-counts--error' } : warn.has(status) ? { className: 'import-counts--warn' } : {})}
          >
            {t(`dashboard.import.count.${status}`, { count: count(status) })}
          </li>
        ))}
      </ul>
      <ul className="import-entries">
        {receipt.audits.map((a) => (
          <li key={a.index} data-testid="upload-entry" data-status={a.status} data-audit-id={a.auditId ?? ''}>
            {t('dashboard.import.entry', {
              n: a.index + 1,
              id: a.auditId ?? t('dashboard.import.unknownId'),
              status: t(`dashboard.import.status.${a.status}`),
            })}
            {a.message !== undefined && <span className="technical"> {a.message}</span>}
          </li>
        ))}
      </ul>
      {receipt.unusedEntries.length > 0 && (
        <div data-testid="upload-unused" data-count={receipt.unusedEntries.length}>
          <p className="import-counts--warn">{t('dashboard.import.unusedEntries', { count: receipt.unusedEntries.length })}</p>
          <ul className="import-entries import-entries--warn">
            {receipt.unusedEntries.map((u) => (
              <li key={u.entry} data-testid="upload-unused-entry">
                <code>{u.entry}</code> <span className="technical">{u.message}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
