import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditHeader } from '../../domain/index';
import type { SheetData } from '../../storage/audit-store';
import { downloadBytes, safeFileName } from '../download';
import { useSaveTracker } from '../providers/save-tracker';
import { useStore } from '../providers/store-provider';

const FONT_URL = `${import.meta.env.BASE_URL}fonts/NotoSansSC-Regular-subset.ttf`;

async function loadFont(): Promise<Uint8Array> {
  // Precached by the service worker, so this works with no network after one visit.
  const response = await fetch(FONT_URL);
  if (!response.ok) throw new Error(`font ${FONT_URL}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

type Step =
  | { kind: 'idle' }
  | { kind: 'making' }
  | { kind: 'confirm'; missing: readonly string[]; data: SheetData; font: Uint8Array }
  | { kind: 'error'; detail: string };

/**
 * Score sheet and data export for one audit. jsPDF and the 2.4 MB font load only when a sheet is
 * made; characters the font lacks are named before anything is made.
 */
export function SheetActions({ header }: { header: AuditHeader }) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const isFinalised = header.status === 'finalised';

  const render = async (data: SheetData, font: Uint8Array) => {
    setStep({ kind: 'making' });
    const { renderScoreSheet } = await import('../../report/render-score-sheet');
    const sheet = renderScoreSheet(data.rubric, data.audit, data.score, {
      fonts: { subset: { name: 'NotoSansSC-subset', bytes: font } },
      images: data.images,
      ...(data.seal ? { seal: data.seal } : {}),
      // The times the app shows are this device's; the sheet prints the same and names the zone.
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
    const date = data.audit.auditedAt.slice(0, 10);
    const suffix = isFinalised ? `r${data.audit.revision}` : t('status.draft');
    downloadBytes(
      sheet.bytes,
      safeFileName(`${data.rubric.form}-${data.audit.site.name}-${date}-${suffix}.pdf`),
      'application/pdf',
    );
    setStep({ kind: 'idle' });
  };

  const make = async () => {
    setStep({ kind: 'making' });
    try {
      const [data, font, { sheetMissingCharacters }] = await Promise.all([
        store.getSheetData(header.id),
        loadFont(),
        import('../../report/sheet-preflight'),
      ]);
      const missing = sheetMissingCharacters(data.rubric, data.audit, data.score, {
        subset: { name: 'subset', bytes: font },
      });
      if (missing.length > 0) setStep({ kind: 'confirm', missing, data, font });
      else await render(data, font);
    } catch (error) {
      setStep({ kind: 'error', detail: error instanceof Error ? error.message : String(error) });
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
      setStep({ kind: 'error', detail: error instanceof Error ? error.message : String(error) });
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
        onClick={() => void make()}
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
        <span role="alert" className="field__error">
          {t('sheet.failed', { detail: step.detail })}
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
            {t('sheet.missingTitle')} <strong data-testid="missing-list">{step.missing.join(' ')}</strong>
          </p>
          <div className="banner__actions">
            <button
              type="button"
              className="button button--primary"
              onClick={() => void render(step.data, step.font)}
            >
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
