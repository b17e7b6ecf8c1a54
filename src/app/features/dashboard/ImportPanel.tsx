import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BundleProblem } from '../../../domain/head-office';
import { APP_BUNDLE_LIMITS, type HeadOfficeStore, type ImportReport } from '../../../storage/head-office-store';
import { useHeadOffice } from '../../providers/store-provider';
import { importInWorker } from '../../workers/import-in-worker';
import { fileFailureOf, useDescribeProblem, type FileFailure } from './bundle-problems';
import { ConflictItem } from './ConflictItem';
import { holdReasonKey, useSignerLabel } from './signers';

type Outcome =
  | {
      readonly kind: FileFailure | 'failed';
      readonly file: string;
      /** What and where, said in the reader's language; empty for an unexpected failure. */
      readonly problems: readonly BundleProblem[];
      /** The reader's or the browser's own (English) words, kept for 详情 only. */
      readonly detail: string;
    }
  | { readonly kind: 'report'; readonly file: string; readonly report: ImportReport };

/** At most this many problems are worded on screen; the rest are counted (and all are in 详情). */
const SHOWN_PROBLEMS = 3;

async function importFile(headOffice: HeadOfficeStore, file: File): Promise<Outcome> {
  // In a Web Worker; either bundle format, told apart by content: the name and the picker's filter decide nothing.
  const response = await importInWorker(file, headOffice);
  if (response.outcome === 'report') return { kind: 'report', file: file.name, report: response.report };
  if (response.outcome === 'failed') return { kind: 'failed', file: file.name, problems: [], detail: response.message };
  return {
    kind: fileFailureOf(response.issues[0]?.problem.code),
    file: file.name,
    problems: response.issues.map((i) => i.problem),
    detail: response.issues.map((i) => i.message.replace(/^not a Ducha bundle: /, '')).join('; '),
  };
}

const refusalKindKeys = {
  malformed: 'dashboard.import.kind.malformed',
  unsigned: 'dashboard.import.kind.unsigned',
  tampered: 'dashboard.import.kind.tampered',
  revoked: 'dashboard.import.kind.revoked',
} as const;
const isRefusalKind = (kind: string): kind is keyof typeof refusalKindKeys => kind in refusalKindKeys;

function Count({
  testId,
  count,
  className,
  children,
}: {
  testId: string;
  count: number;
  className?: string;
  children: string;
}) {
  return (
    <li data-testid={testId} data-count={count} {...(className ? { className } : {})}>
      {children}
    </li>
  );
}

/** The technical words, folded away: support may ask for them, nobody has to read them. */
function Details({ text, testId }: { text: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <details className="technical">
      <summary>{t('dashboard.import.details')}</summary>
      <span data-testid={testId}>{text}</span>
    </details>
  );
}

function Report({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  const signerLabel = useSignerLabel();
  const describe = useDescribeProblem();
  return (
    <>
      <ul className="import-counts">
        <Count testId="import-stored" count={report.accepted.length}>
          {t('dashboard.import.accepted', { count: report.accepted.length })}
        </Count>
        <Count testId="import-unchanged" count={report.unchanged.length}>
          {t('dashboard.import.unchanged', { count: report.unchanged.length })}
        </Count>
        {report.held.length > 0 && (
          <Count testId="import-held" count={report.held.length} className="import-counts--warn">
            {t('dashboard.import.held', { count: report.held.length })}
          </Count>
        )}
        {report.released.length > 0 && (
          <Count testId="import-released" count={report.released.length}>
            {t('dashboard.import.released', { count: report.released.length })}
          </Count>
        )}
        {report.conflicts.length > 0 && (
          <Count testId="import-conflicts" count={report.conflicts.length} className="import-counts--warn">
            {t('dashboard.import.conflicts', { count: report.conflicts.length })}
          </Count>
        )}
        {report.refused.length > 0 && (
          <Count testId="import-refused" count={report.refused.length} className="import-counts--error">
            {t('dashboard.import.refused', { count: report.refused.length })}
          </Count>
        )}
        {report.unusedEntries.length > 0 && (
          <Count testId="import-unused" count={report.unusedEntries.length} className="import-counts--warn">
            {t('dashboard.import.unusedEntries', { count: report.unusedEntries.length })}
          </Count>
        )}
      </ul>
      {report.accepted.length > 0 && (
        <ul className="import-entries">
          {report.accepted.map((a) => (
            <li key={a.auditId} data-testid="import-accepted-entry" data-audit-id={a.auditId}>
              {t('dashboard.import.acceptedEntry', {
                site: a.siteName,
                rubric: a.rubricId,
                revision: a.revision,
                signer: signerLabel(a.signer),
              })}
            </li>
          ))}
        </ul>
      )}
      {report.held.length > 0 && (
        <ul className="import-entries import-entries--warn">
          {report.held.map((h) => (
            <li
              key={h.auditId}
              data-testid="import-held-entry"
              data-audit-id={h.auditId}
              data-reason={h.reason}
            >
              {t('dashboard.import.heldEntry', {
                site: h.siteName,
                reason: t(holdReasonKey(h.reason)),
                signer: signerLabel(h.signer),
              })}
            </li>
          ))}
        </ul>
      )}
      {report.conflicts.length > 0 && (
        <ul className="import-details conflict-list">
          {report.conflicts.map((c) => (
            <ConflictItem key={`${c.auditId}:${c.incomingHash}`} record={c} signerLabel={signerLabel} />
          ))}
        </ul>
      )}
      {report.refused.length > 0 && (
        <ul className="import-details">
          {report.refused.map((r) => (
            <li
              key={`${String(r.index)}:${r.auditId ?? ''}`}
              data-testid="import-refusal"
              data-kind={r.kind}
              data-problem={r.problem.code}
            >
              {t('dashboard.import.refusedEntry', {
                n: r.index + 1,
                id: r.auditId ?? t('dashboard.import.unknownId'),
                kind: t(isRefusalKind(r.kind) ? refusalKindKeys[r.kind] : 'dashboard.import.kind.malformed'),
              })}
              <span data-testid="import-refusal-problem">{describe(r.problem)}</span>
              <Details text={r.reason} testId="import-refusal-detail" />
            </li>
          ))}
        </ul>
      )}
      {report.unusedEntries.length > 0 && (
        <ul className="import-details">
          {report.unusedEntries.map((u) => (
            <li key={u.entry} data-testid="import-unused-entry" data-problem={u.problem.code}>
              <span data-testid="import-unused-problem">{describe(u.problem)}</span>
              <Details text={u.reason} testId="import-unused-detail" />
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
  const describe = useDescribeProblem();
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
      <p className="subtitle" data-testid="import-limit">
        {t('dashboard.import.limit', { size: Math.round(APP_BUNDLE_LIMITS.maxFileBytes / 1024 / 1024 / 1024) })}
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
                  <div role="alert" data-testid="import-error">
                    <p className="field__error">{t(`dashboard.import.${o.kind}`)}</p>
                    {o.problems.length > 0 && (
                      <ul className="import-problems">
                        {o.problems.slice(0, SHOWN_PROBLEMS).map((problem, n) => (
                          <li key={n} data-testid="import-problem" data-problem={problem.code}>
                            {describe(problem)}
                          </li>
                        ))}
                        {o.problems.length > SHOWN_PROBLEMS && (
                          <li>{t('dashboard.import.moreProblems', { count: o.problems.length - SHOWN_PROBLEMS })}</li>
                        )}
                      </ul>
                    )}
                    <Details text={o.detail} testId="import-error-detail" />
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
