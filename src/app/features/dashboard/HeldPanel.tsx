import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import { useApiLoad } from '../../server/use-api-load';
import { ConflictItem } from './ConflictItem';
import { readConflicts, readDevices, readHeld } from './server-intake';
import { holdReasonKey, serverSignerLabel } from './signers';
import { failureText } from './use-server-dashboard';

/**
 * What the server has not compared yet (held audits, with the reason in words) and what it never took
 * (conflicts, with both sides). Held audits leave this list once the server can decide on them.
 */
export function HeldPanel({ serverUrl }: { serverUrl: string }) {
  const { t, i18n } = useTranslation();
  const [held, reloadHeld] = useApiLoad(useCallback(() => readHeld(serverUrl), [serverUrl]));
  const [conflicts, reloadConflicts] = useApiLoad(useCallback(() => readConflicts(serverUrl), [serverUrl]));
  // A kept side is often sealed by another key than the refused one: the register names it, or it would read as 未登记.
  const [devices, reloadDevices] = useApiLoad(useCallback(() => readDevices(serverUrl), [serverUrl]));
  // The register's names of every signer the conflicts show; a key it does not know shows its fingerprint.
  const conflictSigners = useMemo(() => {
    const list = conflicts.kind === 'ok' ? conflicts.value.conflicts : [];
    const register = devices.kind === 'ok' ? devices.value.devices : [];
    return new Map([
      ...register.map((d): [string, string] => [
        d.keyId,
        serverSignerLabel(t, { keyId: d.keyId, deviceLabel: d.deviceLabel, auditor: d.auditor, revoked: d.revokedAt !== null }),
      ]),
      ...list.map((c): [string, string] => [c.incomingSigner.keyId, serverSignerLabel(t, c.incomingSigner)]),
    ]);
  }, [conflicts, devices, t]);
  const signerLabel = useCallback(
    (keyId: string) =>
      conflictSigners.get(keyId) ?? serverSignerLabel(t, { keyId, deviceLabel: null, auditor: null, revoked: false }),
    [conflictSigners, t],
  );
  const failure = held.kind === 'failed' ? held.failure : conflicts.kind === 'failed' ? conflicts.failure : undefined;

  return (
    <section aria-labelledby="held-title" className="dashboard__panel" data-testid="held-panel">
      <div className="page__head">
        <h2 id="held-title">{t('dashboard.held.title')}</h2>
        <button
          type="button"
          className="button"
          onClick={() => {
            reloadHeld();
            reloadConflicts();
            reloadDevices();
          }}
          data-testid="held-refresh"
        >
          {t('dashboard.held.refresh')}
        </button>
      </div>
      <p className="subtitle">{t('dashboard.held.hint')}</p>
      {failure && (
        <p role="alert" className="field__error" data-testid="held-error">
          {t('dashboard.held.failed', { detail: failureText(failure) })}
        </p>
      )}
      {(held.kind === 'loading' || conflicts.kind === 'loading') && <p className="loading">{t('dashboard.loading')}</p>}
      {held.kind === 'ok' &&
        (held.value.held.length === 0 ? (
          <p data-testid="held-none">{t('dashboard.held.none')}</p>
        ) : (
          <ul className="import-entries import-entries--warn">
            {held.value.held.map((h) => (
              <li key={h.auditId} data-testid="held-row" data-audit-id={h.auditId} data-reason={h.reason}>
                {t('dashboard.held.entry', {
                  id: h.auditId,
                  revision: h.revision,
                  reason: t(holdReasonKey(h.reason)),
                  signer: serverSignerLabel(t, h.signer),
                  at: formatDateTime(h.heldAt, i18n.language),
                })}
                <span className="technical"> {h.message}</span>
              </li>
            ))}
          </ul>
        ))}
      <h3>{t('dashboard.held.conflictsTitle')}</h3>
      <p className="subtitle">{t('dashboard.held.conflictsHint')}</p>
      {conflicts.kind === 'ok' &&
        (conflicts.value.conflicts.length === 0 ? (
          <p data-testid="conflicts-none">{t('dashboard.held.conflictsNone')}</p>
        ) : (
          <ul className="conflict-list">
            {conflicts.value.conflicts.map((c) => (
              <ConflictItem key={c.id} record={{ ...c, incomingSigner: c.incomingSigner.keyId }} signerLabel={signerLabel} />
            ))}
          </ul>
        ))}
    </section>
  );
}
