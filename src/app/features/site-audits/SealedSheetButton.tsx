import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadBytes, safeFileName } from '../../download';
import { ChunkLoadError } from '../../retrying-import';
import type { SealedSheetSource } from '../../sheet/make-sheet';
import { sealedSheetInWorker } from '../../workers/sheet-in-worker';
import { fetchVerifiedSealedAudit } from './fetch-sealed-audit';
import { describeFailure } from './server-problem';

type Step =
  | { kind: 'idle' }
  | { kind: 'fetching' }
  | { kind: 'making' }
  | { kind: 'confirm'; missing: readonly string[] }
  | { kind: 'error'; message: string };

const describeCharacter = (ch: string): string =>
  `${ch} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`;

/**
 * 下载评分表 for an audit on the server: the sealed envelope and its images are fetched, verified, and the signed
 * PDF is made on this device by the app's own sheet code, exactly as the tablet that sealed it makes it. What was
 * fetched lives only in this component's memory (for 仍然生成), never in the device's database.
 */
export function SealedSheetButton({ serverUrl, auditId }: { serverUrl: string; auditId: string }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const fetched = useRef<SealedSheetSource | undefined>(undefined);

  const make = async (proceed: boolean) => {
    try {
      let source = fetched.current;
      if (source === undefined) {
        setStep({ kind: 'fetching' });
        const got = await fetchVerifiedSealedAudit(serverUrl, auditId);
        if (!got.ok) {
          setStep({
            kind: 'error',
            message: 'failure' in got ? describeFailure(got.failure, t, 'siteAudits.sheetNeedsServer') : t('siteAudits.notVerified', { detail: got.notVerified }),
          });
          return;
        }
        source = got.source;
        fetched.current = source;
      }
      setStep({ kind: 'making' });
      const made = await sealedSheetInWorker(source, { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, proceed });
      if (made.outcome === 'missing') {
        setStep({ kind: 'confirm', missing: made.missing });
        return;
      }
      const { audit } = source.envelope.payload;
      downloadBytes(made.bytes, safeFileName(`${made.form}-${audit.site.name}-${audit.auditedAt.slice(0, 10)}-r${audit.revision}.pdf`), 'application/pdf');
      setStep({ kind: 'idle' });
    } catch (error) {
      setStep({
        kind: 'error',
        message: error instanceof ChunkLoadError ? t('sheet.notOnDevice') : t('sheet.failed', { detail: error instanceof Error ? error.message : String(error) }),
      });
    }
  };

  const isBusy = step.kind === 'fetching' || step.kind === 'making';
  return (
    <div className="sheet-actions">
      <button type="button" className="button button--primary" onClick={() => void make(false)} disabled={isBusy} data-testid="site-audit-download">
        {t('siteAudits.download')}
      </button>
      {step.kind === 'fetching' && <span role="status">{t('siteAudits.fetching')}</span>}
      {step.kind === 'making' && <span role="status">{t('sheet.making')}</span>}
      {step.kind === 'error' && (
        <span role="alert" className="field__error" data-testid="site-audit-sheet-error">
          {step.message}
        </span>
      )}
      {step.kind === 'confirm' && (
        <div role="alertdialog" aria-labelledby="site-missing-title" className="banner banner--warn" data-testid="missing-characters">
          <p id="site-missing-title">
            {t('sheet.missingTitle')} <strong>{step.missing.map(describeCharacter).join('、')}</strong>
          </p>
          <div className="banner__actions">
            <button type="button" className="button button--primary" onClick={() => void make(true)}>
              {t('sheet.proceed')}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setStep({ kind: 'idle' });
              }}
            >
              {t('sheet.cancel')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
