import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { BundleReceiptView, type BundleReceipt } from './BundleReceiptView';
import { uploadBundle } from './server-intake';
import { failureText } from './use-server-dashboard';

type Outcome =
  | { readonly kind: 'receipt'; readonly file: string; readonly receipt: BundleReceipt }
  | { readonly kind: 'failed'; readonly file: string; readonly detail: string };

/**
 * Bundles from the tablets, by file picker or drag and drop, uploaded as they are to the server (head office),
 * which decides on each audit; each file's decisions stay on screen. Nothing is imported into this device.
 */
export function ImportPanel({ serverUrl }: { serverUrl: string }) {
  const { t } = useTranslation();
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [working, setWorking] = useState<string>();
  const [dragging, setDragging] = useState(false);

  const uploadFiles = async (files: readonly File[]) => {
    if (files.length === 0 || working !== undefined) return;
    const done: Outcome[] = [];
    setOutcomes([]);
    // One file after another: the server's per-account limit counts each file's audits, and reports read in order.
    for (const file of files) {
      setWorking(file.name);
      const answer = await uploadBundle(serverUrl, file);
      done.push(
        answer.ok
          ? { kind: 'receipt', file: file.name, receipt: answer.value }
          : { kind: 'failed', file: file.name, detail: failureText(answer) },
      );
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
      <p className="subtitle" data-testid="import-limit">
        {t('dashboard.import.limit')}
      </p>
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
          void uploadFiles(Array.from(event.dataTransfer.files));
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
              // Cleared at once so choosing the same file again uploads it again (and the server says "unchanged").
              event.target.value = '';
              void uploadFiles(files);
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
              <li key={`${String(i)}:${o.file}`} className="import-result" data-testid="import-result" data-kind={o.kind}>
                <h3 className="import-result__file">{o.file}</h3>
                {o.kind === 'receipt' ? (
                  <BundleReceiptView receipt={o.receipt} />
                ) : (
                  <p role="alert" className="field__error" data-testid="import-error">
                    {t('dashboard.import.failed', { detail: o.detail })}
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
