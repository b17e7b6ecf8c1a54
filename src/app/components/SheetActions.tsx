import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditHeader } from '../../domain/index';
import type { SheetData } from '../../storage/audit-store';
import { FULLER_FONT } from '../../report/fuller-font';
import type { SheetFont } from '../../report/font-choice';
import { downloadBytes, safeFileName } from '../download';
import { loadFullerFont } from '../fuller-font';
import { useSaveTracker } from '../providers/save-tracker';
import { useStore } from '../providers/store-provider';
import { ChunkLoadError, retryingImport } from '../retrying-import';

const FONT_URL = `${import.meta.env.BASE_URL}fonts/NotoSansSC-Regular-subset.ttf`;
const sheetRenderer = retryingImport(() => import('../../report/render-score-sheet'));
const sheetPreflight = retryingImport(() => import('../../report/sheet-preflight'));

async function loadFont(): Promise<Uint8Array> {
  // Precached by the service worker, so this works with no network after one visit.
  const response = await fetch(FONT_URL).catch((error: unknown) => {
    throw new ChunkLoadError(error);
  });
  if (!response.ok) throw new Error(`font ${FONT_URL}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

interface SheetFonts {
  readonly subset: SheetFont;
  readonly fallback?: SheetFont;
}

/** The embedded subset, and the fuller font when it is on this device (or can be fetched now). */
async function loadFonts(): Promise<SheetFonts> {
  const [subset, fuller] = await Promise.all([loadFont(), loadFullerFont()]);
  return {
    subset: { name: 'NotoSansSC-subset', bytes: subset },
    ...(fuller ? { fallback: { name: FULLER_FONT.name, bytes: fuller } } : {}),
  };
}

/** "䶮 (U+4DAE)": the character and its code point, so it can be looked up even where it shows as □. */
const describeCharacter = (ch: string): string =>
  `${ch} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`;

type Step =
  | { kind: 'idle' }
  | { kind: 'making' }
  | { kind: 'confirm'; missing: readonly string[]; data: SheetData; fonts: SheetFonts }
  | { kind: 'error'; detail: string; isNotOnDevice: boolean };

const failed = (error: unknown): Step => ({
  kind: 'error',
  detail: error instanceof Error ? error.message : String(error),
  isNotOnDevice: error instanceof ChunkLoadError,
});

/**
 * Score sheet and data export for one audit. jsPDF and the fonts load only when a sheet is made: the
 * 2.4 MB GB2312 subset (precached) and the fuller font (cached in the background after the first
 * visit). Characters neither font has are named, with their code points, before anything is made.
 */
export function SheetActions({ header }: { header: AuditHeader }) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const isFinalised = header.status === 'finalised';

  const render = async (data: SheetData, fonts: SheetFonts) => {
    setStep({ kind: 'making' });
    try {
      const { renderScoreSheet } = await sheetRenderer.loadAfresh();
      const sheet = renderScoreSheet(data.rubric, data.audit, data.score, {
        fonts,
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
    } catch (error) {
      // Without this the button stayed disabled at 正在生成 after a failure behind 仍然生成.
      setStep(failed(error));
    }
  };

  const make = async () => {
    setStep({ kind: 'making' });
    try {
      const [data, fonts, { sheetMissingCharacters }] = await Promise.all([
        store.getSheetData(header.id),
        loadFonts(),
        sheetPreflight.loadAfresh(),
      ]);
      // The last resort: only what neither font can draw prints as □, and the user hears of it first.
      const missing = sheetMissingCharacters(data.rubric, data.audit, data.score, fonts);
      if (missing.length > 0) setStep({ kind: 'confirm', missing, data, fonts });
      else await render(data, fonts);
    } catch (error) {
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
        <span role="alert" className="field__error" data-testid="sheet-error">
          {step.isNotOnDevice ? (
            <>
              {t('sheet.notOnDevice')}{' '}
              <button type="button" className="button" onClick={() => void make()} data-testid="sheet-retry">
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
          {step.fonts.fallback === undefined && (
            <p data-testid="fuller-font-absent">{t('sheet.fullerFontAbsent')}</p>
          )}
          <div className="banner__actions">
            <button
              type="button"
              className="button button--primary"
              onClick={() => void render(step.data, step.fonts)}
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
