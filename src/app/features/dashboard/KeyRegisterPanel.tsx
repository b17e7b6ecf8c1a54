import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  formatIssue,
  normaliseFingerprint,
  shortKeyId,
  type EnrolledKey,
  type Issue,
} from '../../../domain/head-office';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatDateTime } from '../../format';
import { useHeadOffice } from '../../providers/store-provider';

/** A key file read and checked (its key signed it), waiting for the admin to confirm its fingerprint. */
interface Candidate {
  readonly fileName: string;
  readonly json: unknown;
  readonly keyId: string;
  readonly fingerprint: string;
  readonly deviceLabel: string;
  readonly auditor: string;
}

type Status =
  | { readonly kind: 'idle' }
  | { readonly kind: 'ok'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string; readonly detail?: string };

/** The fewest hex digits an admin must type: what enrolKey itself insists on. */
const MIN_TYPED = 16;

const detailOf = (issues: readonly Issue[]): string => issues.map(formatIssue).join('; ');

/**
 * The key register: enrol a tablet's `.ducha-key` only after typing the fingerprint the tablet shows
 * (a file swapped on the way in is caught there), list every key, revoke one.
 */
export function KeyRegisterPanel() {
  const { t, i18n } = useTranslation();
  const headOffice = useHeadOffice();
  const keys = useLiveQuery(() => headOffice.keys(), [headOffice]);
  const [candidate, setCandidate] = useState<Candidate>();
  const [typed, setTyped] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [working, setWorking] = useState(false);
  const [revoking, setRevoking] = useState<EnrolledKey>();
  const typedId = useId();
  const hintId = useId();

  const readFile = async (file: File) => {
    setCandidate(undefined);
    setTyped('');
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (error) {
      setStatus({
        kind: 'error',
        message: t('dashboard.keys.notJson'),
        detail: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const read = await headOffice.readKeyFile(json);
    if (!read.ok) {
      setStatus({ kind: 'error', message: t('dashboard.keys.notKeyFile'), detail: detailOf(read.issues) });
      return;
    }
    setStatus({ kind: 'idle' });
    setCandidate({
      fileName: file.name,
      json,
      keyId: read.value.keyId,
      fingerprint: read.value.fingerprint,
      deviceLabel: read.value.file.deviceLabel,
      auditor: read.value.file.auditor,
    });
  };

  const typedHex = normaliseFingerprint(typed);
  const isLongEnough = typedHex.length >= MIN_TYPED;
  const isMatch = candidate !== undefined && isLongEnough && candidate.keyId.startsWith(typedHex);
  const known = candidate ? keys?.find((k) => k.keyId === candidate.keyId) : undefined;

  const enrol = async () => {
    if (!candidate || !isMatch) return;
    setWorking(true);
    try {
      const result = await headOffice.enrol(candidate.json, { fingerprint: typed });
      if (!result.ok) {
        const wasRevoked = known?.revokedAt !== undefined;
        setStatus({
          kind: 'error',
          message: t(wasRevoked ? 'dashboard.keys.wasRevoked' : 'dashboard.keys.enrolFailed'),
          detail: detailOf(result.issues),
        });
        return;
      }
      const { key, report } = result.value;
      setStatus({
        kind: 'ok',
        message: t('dashboard.keys.enrolled', {
          device: key.deviceLabel,
          auditor: key.auditor,
          count: report.accepted.length,
        }),
      });
      setCandidate(undefined);
      setTyped('');
    } catch (error) {
      setStatus({
        kind: 'error',
        message: t('dashboard.keys.enrolFailed'),
        detail: error instanceof Error ? error.message : String(error),
      });
    } finally {
      setWorking(false);
    }
  };

  const revoke = async (key: EnrolledKey, reason: string) => {
    setRevoking(undefined);
    try {
      const result = await headOffice.revoke(key.keyId, reason);
      setStatus(
        result.ok
          ? {
              kind: 'ok',
              message: t('dashboard.keys.revokedOk', { device: key.deviceLabel, auditor: key.auditor }),
            }
          : { kind: 'error', message: t('dashboard.keys.revokeFailed'), detail: detailOf(result.issues) },
      );
    } catch (error) {
      setStatus({
        kind: 'error',
        message: t('dashboard.keys.revokeFailed'),
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return (
    <section aria-labelledby="keys-title" className="dashboard__panel" data-testid="key-register">
      <h2 id="keys-title">{t('dashboard.keys.title')}</h2>
      <p className="subtitle">{t('dashboard.keys.hint')}</p>
      <div className="sheet-actions">
        <label className="button drop-zone__button">
          {t('dashboard.keys.choose')}
          <input
            type="file"
            accept=".ducha-key,.json"
            className="visually-hidden"
            disabled={working}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void readFile(file);
            }}
            data-testid="key-file"
          />
        </label>
      </div>
      {candidate && (
        <form
          className="form key-enrol"
          data-testid="key-candidate"
          data-key-id={candidate.keyId}
          onSubmit={(event) => {
            event.preventDefault();
            void enrol();
          }}
        >
          <h3>{t('dashboard.keys.fromFile')}</h3>
          <dl className="key-facts">
            <dt>{t('dashboard.keys.device')}</dt>
            <dd data-testid="candidate-device">{candidate.deviceLabel}</dd>
            <dt>{t('dashboard.keys.auditor')}</dt>
            <dd data-testid="candidate-auditor">{candidate.auditor}</dd>
            <dt>{t('dashboard.keys.fingerprint')}</dt>
            <dd className="key-fingerprint" data-testid="candidate-fingerprint">
              {candidate.fingerprint}
            </dd>
          </dl>
          {known ? (
            <p className="banner banner--warn" role="note" data-testid="candidate-known">
              {t(
                known.revokedAt === undefined
                  ? 'dashboard.keys.alreadyEnrolled'
                  : 'dashboard.keys.wasRevoked',
              )}
            </p>
          ) : (
            <div className="field">
              <label htmlFor={typedId} className="field__label">
                {t('dashboard.keys.typeFingerprint')}
              </label>
              <input
                id={typedId}
                value={typed}
                autoComplete="off"
                spellCheck={false}
                inputMode="text"
                aria-describedby={hintId}
                aria-invalid={isLongEnough && !isMatch}
                onChange={(event) => {
                  setTyped(event.target.value);
                }}
                data-testid="confirm-fingerprint"
              />
              <p id={hintId} className="field__error" aria-live="polite">
                {isLongEnough && !isMatch ? t('dashboard.keys.mismatch') : ''}
              </p>
            </div>
          )}
          <div className="sheet-actions">
            {!known && (
              <button
                type="submit"
                className="button button--primary"
                disabled={!isMatch || working}
                data-testid="enrol-key"
              >
                {t('dashboard.keys.confirm')}
              </button>
            )}
            <button
              type="button"
              className="button"
              onClick={() => {
                setCandidate(undefined);
                setTyped('');
              }}
              data-testid="cancel-enrol"
            >
              {t('dashboard.keys.cancel')}
            </button>
          </div>
        </form>
      )}
      <div aria-live="polite">
        {status.kind === 'ok' && (
          <p role="status" className="banner banner--info" data-testid="keys-status">
            {status.message}
          </p>
        )}
        {status.kind === 'error' && (
          <div role="alert" data-testid="keys-error">
            <p className="field__error">{status.message}</p>
            {status.detail !== undefined && <p className="technical">{status.detail}</p>}
          </div>
        )}
      </div>
      {keys !== undefined && keys.length === 0 && <p data-testid="keys-none">{t('dashboard.keys.none')}</p>}
      {keys !== undefined && keys.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.keys.device')}</th>
                <th scope="col">{t('dashboard.keys.auditor')}</th>
                <th scope="col">{t('dashboard.keys.fingerprint')}</th>
                <th scope="col">{t('dashboard.keys.enrolledAt')}</th>
                <th scope="col">{t('dashboard.keys.revokedAt')}</th>
                <th scope="col">{t('dashboard.keys.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr
                  key={key.keyId}
                  data-testid="key-row"
                  data-key-id={key.keyId}
                  data-revoked={key.revokedAt !== undefined}
                >
                  <th scope="row">{key.deviceLabel}</th>
                  <td>{key.auditor}</td>
                  <td className="mono" data-testid="key-fingerprint-cell">
                    {shortKeyId(key.keyId)}
                  </td>
                  <td>{formatDateTime(key.enrolledAt, i18n.language)}</td>
                  <td data-testid="key-status">
                    {key.revokedAt === undefined
                      ? t('dashboard.keys.active')
                      : [formatDateTime(key.revokedAt, i18n.language), key.revokedReason]
                          .filter(Boolean)
                          .join(' · ')}
                  </td>
                  <td>
                    {key.revokedAt === undefined && (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                          setRevoking(key);
                        }}
                        data-testid="revoke-key"
                      >
                        {t('dashboard.keys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('dashboard.keys.revokeTitle', { device: revoking.deviceLabel, auditor: revoking.auditor })}
          confirmLabel={t('dashboard.keys.revokeConfirm')}
          cancelLabel={t('dashboard.keys.cancel')}
          reasonLabel={t('dashboard.keys.revokeReason')}
          onConfirm={(reason) => {
            void revoke(revoking, reason);
          }}
          onCancel={() => {
            setRevoking(undefined);
          }}
          testId="revoke-dialog"
        >
          <p>{t('dashboard.keys.revokeBody')}</p>
          <p className="key-fingerprint">{shortKeyId(revoking.keyId)}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
