import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatIssue, shortKeyId } from '../../../domain/index';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useHeadOffice } from '../../providers/store-provider';
import type { HeldRow } from '../../../storage/db';
import { ConflictItem } from './ConflictItem';
import { holdReasonKey, useSignerLabel } from './signers';

type Pending = { readonly kind: 'acceptRubric' | 'discard'; readonly row: HeldRow };
type Status =
  | { readonly kind: 'idle' }
  | { readonly kind: 'ok'; readonly message: string }
  | { readonly kind: 'error'; readonly detail: string };

/**
 * What is not compared yet (held audits, with the reason in words) and what was never taken (conflicts,
 * with both sides). Held audits leave this list by themselves once their key is enrolled.
 */
export function HeldPanel() {
  const { t } = useTranslation();
  const headOffice = useHeadOffice();
  const signerLabel = useSignerLabel();
  const held = useLiveQuery(() => headOffice.heldAudits(), [headOffice]);
  const conflicts = useLiveQuery(() => headOffice.conflictRecords(), [headOffice]);
  const [pending, setPending] = useState<Pending>();
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const act = async ({ kind, row }: Pending) => {
    setPending(undefined);
    try {
      if (kind === 'discard') {
        await headOffice.discardHeld(row.auditId);
        setStatus({ kind: 'ok', message: t('dashboard.held.discarded') });
        return;
      }
      const result = await headOffice.acceptRubricOf(row.auditId);
      setStatus(
        result.ok
          ? {
              kind: 'ok',
              message: t('dashboard.held.acceptedRubric', { count: result.value.accepted.length }),
            }
          : { kind: 'error', detail: result.issues.map(formatIssue).join('; ') },
      );
    } catch (error) {
      setStatus({ kind: 'error', detail: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <section aria-labelledby="held-title" className="dashboard__panel" data-testid="held-panel">
      <h2 id="held-title">{t('dashboard.held.title')}</h2>
      <p className="subtitle">{t('dashboard.held.hint')}</p>
      <div aria-live="polite">
        {status.kind === 'ok' && (
          <p role="status" className="banner banner--info" data-testid="held-status">
            {status.message}
          </p>
        )}
        {status.kind === 'error' && (
          <div role="alert">
            <p className="field__error">{t('dashboard.held.failed')}</p>
            <p className="technical">{status.detail}</p>
          </div>
        )}
      </div>
      {held !== undefined && held.length === 0 && <p data-testid="held-none">{t('dashboard.held.none')}</p>}
      {held !== undefined && held.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.held.site')}</th>
                <th scope="col">{t('dashboard.held.rubric')}</th>
                <th scope="col">{t('dashboard.held.revision')}</th>
                <th scope="col">{t('dashboard.held.reason')}</th>
                <th scope="col">{t('dashboard.held.signer')}</th>
                <th scope="col">{t('dashboard.held.source')}</th>
                <th scope="col">{t('dashboard.held.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {held.map((row) => (
                <tr
                  key={row.auditId}
                  data-testid="held-row"
                  data-audit-id={row.auditId}
                  data-reason={row.reason}
                >
                  <th scope="row">{row.siteName}</th>
                  <td>{row.rubricId}</td>
                  <td className="num">{row.revision}</td>
                  <td data-testid="held-reason">{t(holdReasonKey(row.reason))}</td>
                  <td>
                    <span data-testid="held-signer">{signerLabel(row.signer)}</span>
                    {/* An enrolled signer is named by the register; its fingerprint still tells two tablets apart. */}
                    {!signerLabel(row.signer).includes(shortKeyId(row.signer)) && (
                      <span className="technical mono">{shortKeyId(row.signer)}</span>
                    )}
                  </td>
                  <td className="wrap-anywhere">{row.source}</td>
                  <td>
                    <div className="row-actions">
                      {row.reason === 'unknown-rubric' && (
                        <button
                          type="button"
                          className="button button--small"
                          onClick={() => {
                            setPending({ kind: 'acceptRubric', row });
                          }}
                          data-testid="accept-rubric"
                        >
                          {t('dashboard.held.acceptRubric')}
                        </button>
                      )}
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                          setPending({ kind: 'discard', row });
                        }}
                        data-testid="discard-held"
                      >
                        {t('dashboard.held.discard')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3 className="dashboard__subhead">{t('dashboard.held.conflictsTitle')}</h3>
      <p className="subtitle">{t('dashboard.held.conflictsHint')}</p>
      {conflicts !== undefined && conflicts.length === 0 && (
        <p data-testid="conflicts-none">{t('dashboard.held.conflictsNone')}</p>
      )}
      {conflicts !== undefined && conflicts.length > 0 && (
        <ul className="conflict-list" data-testid="conflict-list">
          {conflicts.map((record) => (
            <ConflictItem
              key={`${record.auditId}:${record.incomingHash}:${record.at}`}
              record={record}
              signerLabel={signerLabel}
            />
          ))}
        </ul>
      )}
      {pending && (
        <ConfirmDialog
          title={
            pending.kind === 'discard'
              ? t('dashboard.held.discardTitle', { site: pending.row.siteName })
              : t('dashboard.held.acceptRubricTitle', { rubric: pending.row.rubricId })
          }
          confirmLabel={t(
            pending.kind === 'discard'
              ? 'dashboard.held.discardConfirm'
              : 'dashboard.held.acceptRubricConfirm',
          )}
          cancelLabel={t('dashboard.held.cancel')}
          onConfirm={() => {
            void act(pending);
          }}
          onCancel={() => {
            setPending(undefined);
          }}
          testId="held-dialog"
        >
          <p>
            {t(pending.kind === 'discard' ? 'dashboard.held.discardBody' : 'dashboard.held.acceptRubricBody')}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
