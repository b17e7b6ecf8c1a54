import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditHeader } from '../../domain/index';
import { downloadBytes, safeFileName } from '../download';
import { useSaveTracker } from '../providers/save-tracker';
import { useStore } from '../providers/store-provider';
import { ChunkLoadError } from '../retrying-import';
import { sheetInWorker } from '../workers/sheet-in-worker';

/** "䶮 (U+4DAE)": the character and its code point, so it can be looked up even where it shows as □. */
const describeCharacter = (ch: string): string =>
  `${ch} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`;

type Step =
  | { kind: 'idle' }
  | { kind: 'making' }
  | { kind: 'confirm'; missing: readonly string[]; hasFullerFont: boolean }
  | { kind: 'error'; detail: string; isNotOnDevice: boolean };

const failed = (error: unknown): Step => ({
  kind: 'error',
  detail: error instanceof Error ? error.message : String(error),
  isNotOnDevice: error instanceof ChunkLoadError,
});

/**
 * Score sheet and data export for one audit. The sheet is made in a worker (sheet-in-worker.ts), which
 * loads jsPDF and the fonts when the first sheet is made: the 2.4 MB GB2312 subset (precached) and the
 * fuller font (cached in the background after the first visit). Characters neither font has are named,
 * with their code points, before anything is made.
 */
export function SheetActions({ header }: { header: AuditHeader }) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const isFinalised = header.status === 'finalised';

  /** Makes the sheet and downloads it; without `proceed`, stops to ask when some character would be □. */
  const make = async (proceed: boolean) => {
    setStep({ kind: 'making' });
    try {
      const made = await sheetInWorker(store, {
        auditId: header.id,
        // The times the app shows are this device's; the sheet prints the same and names the zone.
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        proceed,
      });
      if (made.outcome === 'missing') {
        // The last resort: only what neither font can draw prints as □, and the user hears of it first.
        setStep({ kind: 'confirm', missing: made.missing, hasFullerFont: made.hasFullerFont });
        return;
      }
      const date = header.auditedAt.slice(0, 10);
      const suffix = isFinalised ? `r${header.revision}` : t('status.draft');
      downloadBytes(
        made.bytes,
        safeFileName(`${made.form}-${header.site.name}-${date}-${suffix}.pdf`),
        'application/pdf',
      );
      setStep({ kind: 'idle' });
    } catch (error) {
      // Without this the button stayed disabled at 正在生成 after a failure behind 仍然生成.
      setStep(failed(error));
    }
  };

  const exportData = async () => {
    const exported = await track(`export:${header.id}`, () => store.exportAudit(header.id));
    if (!exported) return;
    const name = safeFileName(
      `${header.rubricId}-${header.site.name}-${header.auditedAt.slice(0, 10)}-r${header.revision}.ducha-audit.json`,
    );
    try {
      downloadBytes(JSON.stringify(exported), name, 'application/json');
    } catch (error) {
      setStep(failed(error));
      return;
    }
    // Only now has the user the file: this revision counts as exported.
    await track(`export:${header.id}`, () => store.markExported([header.id]));
  };

  return (
    <div className="sheet-actions">
      <button
        type="button"
        className="button"
        onClick={() => void make(false)}
        disabled={step.kind === 'making'}
        data-testid="download-sheet"
      >
        {isFinalised ? t('sheet.download') : t('sheet.preview')}
      </button>
      {isFinalised && (
        <button type="button" className="button" onClick={() => void exportData()} data-testid="export-audit">
          {t('sheet.exportData')}
        </button>
      )}
      {step.kind === 'making' && <span role="status">{t('sheet.making')}</span>}
      {step.kind === 'error' && (
        <span role="alert" className="field__error" data-testid="sheet-error">
          {step.isNotOnDevice ? (
            <>
              {t('sheet.notOnDevice')}{' '}
              <button
                type="button"
                className="button"
                onClick={() => void make(false)}
                data-testid="sheet-retry"
              >
                {t('app.retry')}
              </button>
            </>
          ) : (
            t('sheet.failed', { detail: step.detail })
          )}
        </span>
      )}
      {step.kind === 'confirm' && (
        <div
          role="alertdialog"
          aria-labelledby="missing-title"
          className="banner banner--warn"
          data-testid="missing-characters"
        >
          <p id="missing-title">
            {t('sheet.missingTitle')}{' '}
            <strong data-testid="missing-list">{step.missing.map(describeCharacter).join('、')}</strong>
          </p>
          {!step.hasFullerFont && <p data-testid="fuller-font-absent">{t('sheet.fullerFontAbsent')}</p>}
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
