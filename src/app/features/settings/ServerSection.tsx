import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useStore } from '../../providers/store-provider';
import type { ApiFailure } from '../../server/api-client';
import { signInToServer, signOutOfServer, unsentCount } from '../../sync/server-session';
import { useSyncStatus, type SyncStatus } from '../../sync/use-sync-status';

type Attempt =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'error'; readonly message: string };

function useFailureText(): (failure: ApiFailure) => string {
  const { t } = useTranslation();
  return (failure) => {
    if (failure.kind === 'offline') return t('sync.server.offline', { detail: failure.message });
    if (failure.kind === 'unexpected') return t('sync.server.failed', { detail: failure.message });
    const code = failure.error?.error.code;
    if (code === 'invalid-credentials') return t('sync.server.invalidCredentials');
    if (code === 'rate-limited') return t('sync.server.rateLimited', { seconds: failure.retryAfter ?? 60 });
    return t('sync.server.failed', { detail: failure.error?.error.message ?? `HTTP ${failure.status}` });
  };
}

function SignInForm() {
  const { t } = useTranslation();
  const { db } = useStore();
  const failureText = useFailureText();
  const ids = { url: useId(), user: useId(), password: useId(), label: useId() };
  const [serverUrl, setServerUrl] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [deviceLabel, setDeviceLabel] = useState('');
  const [attempt, setAttempt] = useState<Attempt>({ kind: 'idle' });

  const submit = async () => {
    if (username.trim() === '' || password === '') {
      setAttempt({ kind: 'error', message: t('sync.server.required') });
      return;
    }
    setAttempt({ kind: 'busy' });
    const result = await signInToServer(db, { serverUrl, username: username.trim(), password, deviceLabel });
    if (result.ok) {
      setPassword('');
      setAttempt({ kind: 'idle' });
    } else
      setAttempt({ kind: 'error', message: result.problem === 'bad-url' ? t('sync.server.badUrl') : failureText(result.failure) });
  };

  return (
    <form
      className="form"
      noValidate
      aria-labelledby="server-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit().catch((error: unknown) => {
          setAttempt({ kind: 'error', message: t('sync.server.failed', { detail: error instanceof Error ? error.message : String(error) }) });
        });
      }}
    >
      <p>{t('sync.server.intro')}</p>
      <div className="field">
        <label htmlFor={ids.url} className="field__label">
          {t('sync.server.address')}
        </label>
        <input
          id={ids.url}
          type="url"
          value={serverUrl}
          placeholder={window.location.origin}
          aria-describedby={`${ids.url}-hint`}
          onChange={(e) => {
            setServerUrl(e.target.value);
          }}
          data-testid="server-url"
        />
        <p id={`${ids.url}-hint`} className="subtitle">
          {t('sync.server.addressHint', { origin: window.location.origin })}
        </p>
      </div>
      <div className="field">
        <label htmlFor={ids.user} className="field__label">
          {t('sync.server.username')}
        </label>
        <input
          id={ids.user}
          autoComplete="username"
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
          }}
          data-testid="server-username"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.password} className="field__label">
          {t('sync.server.password')}
        </label>
        <input
          id={ids.password}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
          }}
          data-testid="server-password"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.label} className="field__label">
          {t('sync.server.deviceLabel')}
        </label>
        <input
          id={ids.label}
          value={deviceLabel}
          maxLength={100}
          aria-describedby={`${ids.label}-hint`}
          onChange={(e) => {
            setDeviceLabel(e.target.value);
          }}
          data-testid="server-device-label"
        />
        <p id={`${ids.label}-hint`} className="subtitle">
          {t('sync.server.deviceLabelHint')}
        </p>
      </div>
      <div className="sheet-actions">
        <button type="submit" className="button button--primary" disabled={attempt.kind === 'busy'} data-testid="server-sign-in">
          {attempt.kind === 'busy' ? t('sync.server.signingIn') : t('sync.server.signIn')}
        </button>
      </div>
      <div aria-live="polite">
        {attempt.kind === 'error' && (
          <p role="alert" className="field__error" data-testid="server-sign-in-error">
            {attempt.message}
          </p>
        )}
      </div>
    </form>
  );
}

function SignedIn({ status }: { status: SyncStatus & { link: NonNullable<SyncStatus['link']> } }) {
  const { t } = useTranslation();
  const { db } = useStore();
  const [confirming, setConfirming] = useState<number>();
  const { link, state, unsent } = status;
  const { session } = link;
  return (
    <div data-testid="server-signed-in" data-role={session.role} data-enrolled={link.enrolledKeyId !== null}>
      <p data-testid="server-who">{t('sync.server.signedInAs', { name: session.displayName, username: session.username })}</p>
      <p>{t('sync.server.role', { role: t(`sync.server.roles.${session.role}`) })}</p>
      <p>{t('sync.server.serverIs', { server: link.serverUrl === '' ? `${t('sync.server.thisOrigin')} (${window.location.origin})` : link.serverUrl })}</p>
      <p data-testid="server-enrolment">
        {session.role !== 'auditor'
          ? t('sync.server.notEnrolledRole')
          : link.enrolledKeyId !== null
            ? t('sync.server.enrolled')
            : t('sync.server.enrolmentRefused', { reason: state.enrolmentRefused?.message ?? '—' })}
      </p>
      {state.sessionLost !== null && (
        <p role="alert" className="field__error" data-testid="server-session-lost">
          {t('sync.server.sessionLost')}
        </p>
      )}
      <p data-testid="server-unsent" data-count={unsent}>
        {unsent > 0 ? t('sync.server.unsent', { count: unsent }) : t('sync.server.allSent')}
      </p>
      <div className="sheet-actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            void unsentCount(db).then(setConfirming);
          }}
          data-testid="server-sign-out"
        >
          {t('sync.server.signOut')}
        </button>
      </div>
      {confirming !== undefined && (
        <ConfirmDialog
          title={t('sync.server.signOutTitle')}
          confirmLabel={t('sync.server.signOutConfirm')}
          cancelLabel={t('sync.server.cancel')}
          onConfirm={() => {
            setConfirming(undefined);
            void signOutOfServer(db);
          }}
          onCancel={() => {
            setConfirming(undefined);
          }}
          testId="sign-out-dialog"
        >
          <p data-testid="sign-out-unsent" data-count={confirming}>
            {confirming > 0 ? t('sync.server.signOutUnsent', { count: confirming }) : t('sync.server.signOutNothingPending')}
          </p>
        </ConfirmDialog>
      )}
      {state.sessionLost !== null && <SignInForm />}
    </div>
  );
}

/** 设置 → 服务器: sign in (and enrol this device), who is signed in, sign out. */
export function ServerSection() {
  const { t } = useTranslation();
  const status = useSyncStatus();
  return (
    <section aria-labelledby="server-title" data-testid="server-section">
      <h2 id="server-title">{t('sync.server.title')}</h2>
      {status === undefined ? (
        <p className="loading">{t('app.loading')}</p>
      ) : status.link ? (
        <SignedIn status={{ ...status, link: status.link }} />
      ) : (
        <SignInForm />
      )}
    </section>
  );
}
