import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { HeadOfficeStore, ImportReport } from '../../../storage/head-office-store';
import { useHeadOffice } from '../../providers/store-provider';

type Outcome =
  | { readonly kind: 'parseError' | 'notBundle' | 'failed'; readonly file: string; readonly detail: string }
  | { readonly kind: 'report'; readonly file: string; readonly report: ImportReport };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function importFile(headOffice: HeadOfficeStore, file: File): Promise<Outcome> {
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return { kind: 'failed', file: file.name, detail: messageOf(error) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'parseError', file: file.name, detail: messageOf(error) };
  }
  try {
    const result = await headOffice.importBundle(json, file.name);
    if (!result.ok)
      return { kind: 'notBundle', file: file.name, detail: result.issues.map((i) => i.message).join('; ') };
    return { kind: 'report', file: file.name, report: result.value };
  } catch (error) {
    return { kind: 'failed', file: file.name, detail: messageOf(error) };
  }
}

function Report({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  return (
    <>
      <ul className="import-counts">
        <li data-testid="import-stored" data-count={report.stored.length}>
          {t('dashboard.import.stored', { count: report.stored.length })}
        </li>
        <li data-testid="import-unchanged" data-count={report.unchanged.length}>
          {t('dashboard.import.unchanged', { count: report.unchanged.length })}
        </li>
        {report.conflicts.length > 0 && (
          <li
            data-testid="import-conflicts"
            data-count={report.conflicts.length}
            className="import-counts--warn"
          >
            {t('dashboard.import.conflicts', { count: report.conflicts.length })}
          </li>
        )}
        {report.refused.length > 0 && (
          <li
            data-testid="import-refused"
            data-count={report.refused.length}
            className="import-counts--error"
          >
            {t('dashboard.import.refused', { count: report.refused.length })}
          </li>
        )}
      </ul>
      {report.conflicts.length > 0 && (
        <ul className="import-details">
          {report.conflicts.map((c) => (
            <li key={c.auditId} data-testid="import-conflict">
              {t('dashboard.import.conflict', { site: c.siteName, id: c.auditId })}
            </li>
          ))}
        </ul>
      )}
      {report.refused.length > 0 && (
        <ul className="import-details">
          {report.refused.map((r) => (
            <li key={r.index} data-testid="import-refusal">
              {t('dashboard.import.refusedEntry', {
                n: r.index + 1,
                id: r.auditId ?? t('dashboard.import.unknownId'),
                kind: t(
                  r.kind === 'unsigned' || r.kind === 'tampered'
                    ? `dashboard.import.kind.${r.kind}`
                    : 'dashboard.import.kind.malformed',
                ),
                reason: r.reason,
              })}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Bundles from the tablets, by file picker or drag and drop; each file's report stays on screen. */
export function ImportPanel() {
  const { t } = useTranslation();
  const headOffice = useHeadOffice();
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [working, setWorking] = useState<string>();
  const [dragging, setDragging] = useState(false);

  const importFiles = async (files: readonly File[]) => {
    if (files.length === 0 || working !== undefined) return;
    const done: Outcome[] = [];
    setOutcomes([]);
    // One file after another: each import is its own transaction and the reports read in the order chosen.
    for (const file of files) {
      setWorking(file.name);
      done.push(await importFile(headOffice, file));
      setOutcomes([...done]);
    }
    setWorking(undefined);
  };

  const over = (event: DragEvent) => {
    event.preventDefault();
    setDragging(true);
  };

  return (
    <section aria-labelledby="import-title" className="dashboard__panel">
      <h2 id="import-title">{t('dashboard.import.title')}</h2>
      <p className="subtitle">{t('dashboard.import.hint')}</p>
      <div
        className={dragging ? 'drop-zone drop-zone--active' : 'drop-zone'}
        onDragEnter={over}
        onDragOver={over}
        onDragLeave={() => {
          setDragging(false);
        }}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          void importFiles(Array.from(event.dataTransfer.files));
        }}
        data-testid="drop-zone"
      >
        <label className="button button--primary drop-zone__button">
          {t('dashboard.import.choose')}
          <input
            type="file"
            accept=".ducha,.json"
            multiple
            className="visually-hidden"
            disabled={working !== undefined}
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              // Cleared at once so choosing the same file again imports it again (and reports "unchanged").
              event.target.value = '';
              void importFiles(files);
            }}
            data-testid="import-file"
          />
        </label>
        <span>{t('dashboard.import.drop')}</span>
      </div>
      <div aria-live="polite">
        {working !== undefined && (
          <p role="status" data-testid="import-working">
            {t('dashboard.import.working', { file: working })}
          </p>
        )}
        {outcomes.length > 0 && (
          <ul className="import-results">
            {outcomes.map((o, i) => (
              <li
                key={`${String(i)}:${o.file}`}
                className="import-result"
                data-testid="import-result"
                data-kind={o.kind}
              >
                <h3 className="import-result__file">{o.file}</h3>
                {o.kind === 'report' ? (
                  <Report report={o.report} />
                ) : (
                  <p role="alert" className="field__error" data-testid="import-error">
                    {t(`dashboard.import.${o.kind}`, { detail: o.detail })}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
