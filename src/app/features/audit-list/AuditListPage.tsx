import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { unexportedRevisions, type AuditListEntry } from '../../../storage/audit-store';
import { formatDateTime, formatPercent, formatPoints } from '../../format';
import { useStore } from '../../providers/store-provider';
import { useSaveTracker } from '../../providers/save-tracker';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import type { AuditHeader } from '../../../domain/index';
import { isUnsent, type OutboxEntry } from '../../../storage/outbox';
import { useSyncStatus } from '../../sync/use-sync-status';
import { OutboxStatus } from './OutboxStatus';

/** The outbox entries of an audit's finalised revisions, latest revision first. */
function entriesOf(entry: AuditListEntry, outbox: ReadonlyMap<string, OutboxEntry>): OutboxEntry[] {
  return entry.history.flatMap((h) => {
    const found = outbox.get(h.id);
    return found ? [found] : [];
  });
}

function matches(entry: AuditListEntry, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  const { name, code, region } = entry.header.site;
  return [name, code ?? '', region ?? ''].some((s) => s.toLowerCase().includes(q));
}

export function AuditListPage() {
  const { t, i18n } = useTranslation();
  const store = useStore();
  const entries = useLiveQuery(() => store.listAudits(), [store]);
  const [query, setQuery] = useState('');
  const [toDelete, setToDelete] = useState<AuditHeader>();
  const { track } = useSaveTracker();
  const sync = useSyncStatus();
  const [searchParams, setSearchParams] = useSearchParams();
  if (entries === undefined) return <p className="loading">{t('app.loading')}</p>;

  // Upload states show only on a device linked to a server; one never linked shows none of it.
  const outbox = sync?.link ? sync.entries : new Map<string, OutboxEntry>();
  const isUnsentOnly = sync?.link !== undefined && searchParams.get('unsent') === '1';
  const unexported = unexportedRevisions(entries).length;
  const shown = entries.filter((e) => matches(e, query) && (!isUnsentOnly || entriesOf(e, outbox).some(isUnsent)));
  return (
    <section aria-labelledby="list-title" className="page">
      <div className="page__head">
        <h1 id="list-title">{t('list.title')}</h1>
        <Link to="/new" className="button button--primary">
          {t('app.nav.newAudit')}
        </Link>
      </div>
      <p
        className={unexported > 0 ? 'badge badge--warn' : 'badge'}
        data-testid="unexported-count"
        data-count={unexported}
      >
        {unexported > 0 ? t('list.unexported', { count: unexported }) : t('list.allExported')}
      </p>
      {isUnsentOnly && (
        <p className="banner" role="status" data-testid="unsent-filter">
          {t('sync.filterUnsent')}{' '}
          <button
            type="button"
            className="button button--ghost"
            onClick={() => {
              setSearchParams({});
            }}
            data-testid="show-all"
          >
            {t('sync.showAll')}
          </button>
        </p>
      )}
      {isUnsentOnly && shown.length === 0 && <p>{t('sync.noneUnsent')}</p>}
      <label className="field">
        <span className="field__label">{t('list.search')}</span>
        <input
          type="search"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
          }}
          data-testid="site-search"
        />
      </label>
      {entries.length === 0 && <p>{t('list.empty')}</p>}
      {entries.length > 0 && shown.length === 0 && <p>{t('list.noMatch', { query })}</p>}
      <ul className="audit-list">
        {shown.map((entry) => {
          const { header, score, history } = entry;
          const total = score.nodes.filter((n) => n.isUnit).length;
          const [latestSent, ...earlierSent] = entriesOf(entry, outbox);
          return (
            <li
              key={header.lineageId}
              className="audit-card"
              data-testid="audit-row"
              data-audit-id={header.id}
            >
              <Link to={`/audits/${header.id}`} className="audit-card__link">
                <span className="audit-card__site">{header.site.name}</span>
                <span className="audit-card__meta">
                  {header.rubricId} · {formatDateTime(header.auditedAt, i18n.language)} ·{' '}
                  {t(`mode.${header.mode}`)}
                </span>
                <span className="audit-card__score">
                  <span data-testid="row-total">
                    {formatPoints(score.earnedH)} / {formatPoints(score.possibleH)}
                  </span>
                  <span data-testid="row-percent">{formatPercent(score.percentTenths)}</span>
                </span>
                <span className={`status status--${header.status}`}>
                  {t(`status.${header.status}`)}
                  {header.revision > 1 && ` · ${t('list.revision', { revision: header.revision })}`}
                  {header.status === 'draft' &&
                    ` · ${t('list.progress', { graded: total - score.missing.length, total })}`}
                </span>
              </Link>
              {latestSent && <OutboxStatus entry={latestSent} />}
              {earlierSent.filter(isUnsent).map((e) => (
                <OutboxStatus key={e.auditId} entry={e} />
              ))}
              {header.status === 'draft' && (
                <button
                  type="button"
                  className="button button--ghost audit-card__delete"
                  onClick={() => {
                    setToDelete(header);
                  }}
                  aria-label={t('list.deleteDraftOf', { site: header.site.name })}
                  data-testid="delete-draft"
                >
                  {t('list.deleteDraft')}
                </button>
              )}
              {history.length > 1 && (
                <details className="audit-card__history">
                  <summary>{t('list.history')}</summary>
                  <ol>
                    {history.map((h) => (
                      <li key={h.id}>
                        <Link to={`/audits/${h.id}`} data-testid="history-link" data-revision={h.revision}>
                          {t('list.revision', { revision: h.revision })} · {t(`status.${h.status}`)} ·{' '}
                          {formatDateTime(h.updatedAt, i18n.language)}
                        </Link>
                      </li>
                    ))}
                  </ol>
                </details>
              )}
            </li>
          );
        })}
      </ul>
      {toDelete && (
        <ConfirmDialog
          title={t('list.deleteDraftTitle', { site: toDelete.site.name })}
          confirmLabel={t('list.deleteDraftConfirm')}
          cancelLabel={t('list.cancel')}
          onConfirm={() => {
            const id = toDelete.id;
            setToDelete(undefined);
            void track(`delete-draft:${id}`, () => store.deleteDraft(id));
          }}
          onCancel={() => {
            setToDelete(undefined);
          }}
          testId="delete-draft-dialog"
        >
          <p>
            {t('list.deleteDraftBody')}
            {toDelete.revision > 1 && ` ${t('list.deleteDraftKeepsFinalised', { revision: toDelete.revision - 1 })}`}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
