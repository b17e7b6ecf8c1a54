import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatIssue, keyId, makeDeviceKeyFile } from '../../../domain/index';
import { getDeviceSigner, type DeviceSigner } from '../../../storage/device-key';
import { downloadBytes, safeFileName } from '../../download';
import { useFullerFontStatus } from '../../hooks/use-fuller-font';
import { useStoragePersistence } from '../../hooks/use-storage-persistence';
import { useStore } from '../../providers/store-provider';
import { KeyQrCode } from './KeyQrCode';
import { ServerDataSection } from './ServerDataSection';

type KeyState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly signer: DeviceSigner; readonly keyId: string }
  | { readonly kind: 'error'; readonly detail: string };

type ExportStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'done'; readonly file: string }
  | { readonly kind: 'error'; readonly detail: string };

const nowIso = () => new Date().toISOString();

/**
 * Not a live query: the first visit on a fresh device creates the key, and a live query may not write.
 * The key never changes afterwards, so reading it once is enough.
 */
function useDeviceKey(): KeyState {
  const store = useStore();
  const [state, setState] = useState<KeyState>({ kind: 'loading' });
  useEffect(() => {
    let isCurrent = true;
    getDeviceSigner(store.db, nowIso).then(
      (signer) => {
        if (isCurrent) setState({ kind: 'ready', signer, keyId: keyId(signer.publicKey) });
      },
      (error: unknown) => {
        if (isCurrent)
          setState({ kind: 'error', detail: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [store]);
  return state;
}

function KeyFileForm({ signer }: { signer: DeviceSigner }) {
  const { t } = useTranslation();
  const store = useStore();
  const labelId = useId();
  const auditorId = useId();
  const [deviceLabel, setDeviceLabel] = useState('');
  const [auditor, setAuditor] = useState<string>();
  const [rememberedAuditor, setRememberedAuditor] = useState('');
  const [isSubmitted, setSubmitted] = useState(false);
  const [status, setStatus] = useState<ExportStatus>({ kind: 'idle' });
  useEffect(() => {
    let isCurrent = true;
    store.getRememberedAuditor().then(
      (name) => {
        if (isCurrent) setRememberedAuditor(name);
      },
      () => undefined, // no remembered auditor: the field simply starts empty
    );
    return () => {
      isCurrent = false;
    };
  }, [store]);
  // Until the user types, the field follows the remembered auditor (which may arrive after the first render).
  const auditorValue = auditor ?? rememberedAuditor;
  const labelError =
    isSubmitted && deviceLabel.trim() === '' ? t('settings.exportKey.deviceLabelRequired') : undefined;
  const auditorError =
    isSubmitted && auditorValue.trim() === '' ? t('settings.exportKey.auditorRequired') : undefined;

  const exportKey = async () => {
    setSubmitted(true);
    if (deviceLabel.trim() === '' || auditorValue.trim() === '') return;
    const file = await makeDeviceKeyFile(signer, { deviceLabel, auditor: auditorValue, createdAt: nowIso() });
    if (!file.ok) {
      setStatus({ kind: 'error', detail: file.issues.map(formatIssue).join('; ') });
      return;
    }
    const name = safeFileName(`${file.value.deviceLabel}.ducha-key`);
    downloadBytes(JSON.stringify(file.value, null, 2), name, 'application/json');
    setStatus({ kind: 'done', file: name });
  };

  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void exportKey().catch((error: unknown) => {
          setStatus({ kind: 'error', detail: error instanceof Error ? error.message : String(error) });
        });
      }}
      aria-labelledby="export-key-title"
    >
      <h2 id="export-key-title">{t('settings.exportKey.title')}</h2>
      <p data-testid="export-key-hint">{t('settings.exportKey.hint')}</p>
      <div className="field">
        <label htmlFor={labelId} className="field__label">
          {t('settings.exportKey.deviceLabel')}
        </label>
        <input
          id={labelId}
          value={deviceLabel}
          maxLength={100}
          placeholder={t('settings.exportKey.deviceLabelPlaceholder')}
          aria-invalid={labelError !== undefined}
          {...(labelError ? { 'aria-describedby': `${labelId}-error` } : {})}
          onChange={(event) => {
            setDeviceLabel(event.target.value);
          }}
          data-testid="key-device-label"
        />
        {labelError && (
          <p id={`${labelId}-error`} className="field__error">
            {labelError}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={auditorId} className="field__label">
          {t('settings.exportKey.auditor')}
        </label>
        <input
          id={auditorId}
          value={auditorValue}
          maxLength={200}
          aria-invalid={auditorError !== undefined}
          {...(auditorError ? { 'aria-describedby': `${auditorId}-error` } : {})}
          onChange={(event) => {
            setAuditor(event.target.value);
          }}
          data-testid="key-auditor"
        />
        {auditorError && (
          <p id={`${auditorId}-error`} className="field__error">
            {auditorError}
          </p>
        )}
      </div>
      <div className="sheet-actions">
        <button type="submit" className="button button--primary" data-testid="export-key">
          {t('settings.exportKey.submit')}
        </button>
      </div>
      <div aria-live="polite">
        {status.kind === 'done' && (
          <p role="status" data-testid="export-key-status">
            {t('settings.exportKey.done', { file: status.file })}
          </p>
        )}
        {status.kind === 'error' && (
          <div role="alert">
            <p className="field__error">{t('settings.exportKey.failed')}</p>
            <p className="technical">{status.detail}</p>
          </div>
        )}
      </div>
    </form>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const key = useDeviceKey();
  const persistence = useStoragePersistence();
  const fullerFont = useFullerFontStatus();
  return (
    <section aria-labelledby="settings-title" className="page page--narrow">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <h2>{t('settings.keyFingerprint')}</h2>
      <p className="key-fingerprint" data-testid="key-fingerprint">
        {key.kind === 'ready' ? key.signer.fingerprint : key.kind === 'loading' ? t('app.loading') : ''}
      </p>
      {key.kind === 'error' && (
        <p role="alert" className="field__error">
          {key.detail}
        </p>
      )}
      <p className="subtitle">{t('settings.keyHint')}</p>
      {key.kind === 'ready' && (
        <>
          <figure className="key-qr">
            <KeyQrCode value={key.keyId} label={t('settings.keyQr')} />
            <figcaption>
              <span className="subtitle">{t('settings.fullKeyId')}</span>
              <code className="key-id" data-testid="key-id">
                {key.keyId}
              </code>
            </figcaption>
          </figure>
          <KeyFileForm signer={key.signer} />
        </>
      )}
      <ServerDataSection />
      <h2>{t('settings.storage')}</h2>
      <p>{persistence === 'persisted' ? t('app.storagePersisted') : t('app.storageNotPersisted')}</p>
      <p>
        {t('settings.fullerFont')}:{' '}
        <span data-testid="fuller-font-status" data-status={fullerFont}>
          {t(`settings.fullerFontStatus.${fullerFont}`)}
        </span>
      </p>
    </section>
  );
}
