import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadBytes, safeFileName } from '../../download';
import { useOwnAudits, useStore } from '../../providers/store-provider';
import { auditsCsv, unitsCsv } from '../../../report/csv';
import type { CsvExport } from './dashboard-data';
import { toDayValue } from './period';

type Status = { kind: 'idle' } | { kind: 'exported'; count: number } | { kind: 'error'; detail: string };

const noFacts: CsvExport = { kind: 'local', facts: [] };

/**
 * This device's sealed audits as a bundle for head office, and the audits in view as CSV for spreadsheets:
 * made here from this device's facts, or, when the dashboard shows the server's data, the server's files.
 */
export function ExportPanel({ csv = noFacts, rubricId }: { csv?: CsvExport; rubricId: string }) {
  const { t } = useTranslation();
  const store = useStore();
  // The cells are local date-times Excel reads, in this device's zone; the header names it.
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const own = useOwnAudits();
  const entries = useLiveQuery(() => store.listAudits(), [store]);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  // Every finalised revision is sealed; head office keeps the latest and still sees the corrections.
  const ids = (entries ?? []).flatMap((e) =>
    e.history.filter((h) => h.status === 'finalised').map((h) => h.id),
  );
  const today = toDayValue(new Date().toISOString());

  const exportBundle = async () => {
    try {
      // Bundle format 2: a zip (each rubric once, images as binary), which every Ducha since it reads.
      const bundle = await own.exportBundleFile(ids);
      downloadBytes(bundle.bytes, `ducha-${today}.ducha`, 'application/zip');
      // Handed over to the browser without error: only now do these revisions count as exported.
      await store.markExported(ids);
      setStatus({ kind: 'exported', count: bundle.count });
    } catch (error) {
      setStatus({ kind: 'error', detail: error instanceof Error ? error.message : String(error) });
    }
  };

  const download = (csv: string, what: string) => {
    downloadBytes(csv, safeFileName(`ducha-${rubricId}-${what}-${today}.csv`), 'text/csv;charset=utf-8');
  };

  const facts = csv.kind === 'local' ? csv.facts : [];
  const count = csv.kind === 'local' ? facts.length : csv.count;

  const fromServer = async (what: 'audits' | 'units') => {
    if (csv.kind !== 'server') return;
    try {
      await csv.download(what);
      setStatus({ kind: 'idle' });
    } catch (error) {
      setStatus({ kind: 'error', detail: t('headOfficeOnline.csvFailed', { detail: error instanceof Error ? error.message : String(error) }) });
    }
  };

  // Per-unit grades and notes are read for this file only; the dashboard itself holds summaries.
  const downloadUnits = async () => {
    if (csv.kind === 'server') {
      await fromServer('units');
      return;
    }
    try {
      const detailed = await own.withUnits(facts);
      download(
        unitsCsv(
          detailed,
          {
            auditId: t('dashboard.csv.auditId'),
            site: t('dashboard.csv.site'),
            rubric: t('dashboard.csv.rubric'),
            date: t('dashboard.csv.dateIn', { zone: timeZone }),
            unit: t('dashboard.csv.unit'),
            grade: t('dashboard.csv.grade'),
            earned: t('dashboard.csv.earned'),
            possible: t('dashboard.csv.possible'),
            note: t('dashboard.csv.note'),
          },
          (grade) => t(`grade.${grade}`),
          timeZone,
        ),
        'units',
      );
    } catch (error) {
      setStatus({ kind: 'error', detail: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <section aria-labelledby="export-title" className="dashboard__panel">
      <h2 id="export-title">{t('dashboard.export.title')}</h2>
      <div className="sheet-actions">
        <button
          type="button"
          className="button"
          disabled={ids.length === 0}
          onClick={() => void exportBundle()}
          data-testid="export-bundle"
        >
          {t('dashboard.export.bundle')}
        </button>
        <span className="subtitle">
          {ids.length === 0
            ? t('dashboard.export.noneFinalised')
            : t('dashboard.export.bundleCount', { count: ids.length })}
        </span>
      </div>
      <div className="sheet-actions">
        <button
          type="button"
          className="button"
          disabled={count === 0}
          onClick={() => {
            if (csv.kind === 'server') {
              void fromServer('audits');
              return;
            }
            download(
              auditsCsv(
                facts,
                {
                  site: t('dashboard.csv.site'),
                  region: t('dashboard.csv.region'),
                  rubric: t('dashboard.csv.rubric'),
                  date: t('dashboard.csv.dateIn', { zone: timeZone }),
                  auditor: t('dashboard.csv.auditor'),
                  earned: t('dashboard.csv.earned'),
                  possible: t('dashboard.csv.possible'),
                  percent: t('dashboard.csv.percent'),
                },
                timeZone,
              ),
              'audits',
            );
          }}
          data-testid="export-audits-csv"
        >
          {t('dashboard.export.auditsCsv')}
        </button>
        <button
          type="button"
          className="button"
          disabled={count === 0}
          onClick={() => void downloadUnits()}
          data-testid="export-units-csv"
        >
          {t('dashboard.export.unitsCsv')}
        </button>
        <span className="subtitle">{t('dashboard.export.csvHint', { count })}</span>
      </div>
      {status.kind === 'exported' && (
        <p role="status" data-testid="export-status">
          {t('dashboard.export.exported', { count: status.count })}
        </p>
      )}
      {status.kind === 'error' && (
        <p role="alert" className="field__error">
          {t('dashboard.export.failed', { detail: status.detail })}
        </p>
      )}
    </section>
  );
}
