import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { countLegacyImports, uploadLegacyImports, type LegacyUploadReport } from '../../../storage/legacy-imports';
import { useStore } from '../../providers/store-provider';
import { uploadBundle } from './server-intake';
import { failureText } from './use-server-dashboard';

type State =
  | { readonly kind: 'offer' }
  | { readonly kind: 'dismissed' }
  | { readonly kind: 'working'; readonly done: number }
  | { readonly kind: 'report'; readonly report: LegacyUploadReport };

/**
 * A device an older version used as head office still holds audits it imported from other tablets. Signed in
 * with a role that may upload bundles, it is offered once (per opening) to send them to the server; each is
 * deleted here only after the server acknowledged it, so nothing is lost on the way.
 */
export function LegacyUploadPanel({ serverUrl }: { serverUrl: string }) {
  const { t } = useTranslation();
  const store = useStore();
  const count = useLiveQuery(() => countLegacyImports(store.db), [store]);
  const [state, setState] = useState<State>({ kind: 'offer' });

  const upload = async () => {
    setState({ kind: 'working', done: 0 });
    try {
      const report = await uploadLegacyImports(
        store.db,
        async (bytes) => {
          const answer = await uploadBundle(serverUrl, bytes);
          return answer.ok ? { ok: true, audits: answer.value.audits } : { ok: false, message: failureText(answer) };
        },
        {
          onProgress: (done) => {
            setState({ kind: 'working', done });
          },
        },
      );
      setState({ kind: 'report', report });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setState({ kind: 'report', report: { removed: 0, refused: [], unreadable: [], failure: message } });
    }
  };

  if (state.kind === 'dismissed') return null;
  if (state.kind === 'offer' && (count === undefined || count === 0)) return null;
  return (
    <section aria-labelledby="legacy-title" className="dashboard__panel" data-testid="legacy-upload">
      <h2 id="legacy-title">{t('dashboard.legacy.title')}</h2>
      {state.kind === 'offer' && (
        <>
          <p>{t('dashboard.legacy.body', { count: count ?? 0 })}</p>
          <div className="actions">
            <button type="button" className="button button--primary" onClick={() => void upload()} data-testid="legacy-upload-button">
              {t('dashboard.legacy.upload')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setState({ kind: 'dismissed' });
              }}
              data-testid="legacy-later"
            >
              {t('dashboard.legacy.later')}
            </button>
          </div>
        </>
      )}
      {state.kind === 'working' && (
        <p role="status" data-testid="legacy-working">
          {t('dashboard.legacy.working', { done: state.done })}
        </p>
      )}
      {state.kind === 'report' && (
        <div aria-live="polite" data-testid="legacy-report">
          <p role="status" data-testid="legacy-done" data-count={state.report.removed}>
            {t('dashboard.legacy.done', { count: state.report.removed })}
          </p>
          {state.report.refused.length > 0 && (
            <>
              <p className="field__error">{t('dashboard.legacy.kept', { count: state.report.refused.length })}</p>
              <ul className="import-details">
                {state.report.refused.map((r) => (
                  <li key={r.auditId} data-testid="legacy-refused" data-audit-id={r.auditId}>
                    {r.auditId}: <span className="technical">{r.message}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {state.report.unreadable.map((u) => (
            <p key={u.auditId} className="field__error" data-testid="legacy-unreadable">
              {t('dashboard.legacy.unreadable', { id: u.auditId, message: u.message })}
            </p>
          ))}
          {state.report.failure !== undefined && (
            <p role="alert" className="field__error" data-testid="legacy-failed">
              {t('dashboard.legacy.failed', { detail: state.report.failure })}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
