import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { auditRecordSchema, gradeCountsOf, type AuditRecord } from '../../../domain/wire';
import type { ServerLink } from '../../../storage/server-link';
import { formatDateTime, formatPoints } from '../../format';
import { callApi } from '../../server/api-client';
import { useGradeSummary } from './grade-summary';
import { SealedSheetButton } from './SealedSheetButton';
import { describeFailure } from './server-problem';
import { SignedIn } from './SignedIn';

type RecordState = { kind: 'loading' } | { kind: 'ready'; record: Extract<AuditRecord, { status: 'accepted' }> } | { kind: 'failed'; message: string };

function AuditDetail({ link, auditId }: { link: ServerLink; auditId: string }) {
  const { t, i18n } = useTranslation();
  const gradeSummary = useGradeSummary();
  const [state, setState] = useState<RecordState>({ kind: 'loading' });
  useEffect(() => {
    let isCurrent = true;
    void callApi(link.serverUrl, { path: `/api/audits/${encodeURIComponent(auditId)}`, schema: auditRecordSchema }).then((answer) => {
      if (!isCurrent) return;
      if (!answer.ok) setState({ kind: 'failed', message: describeFailure(answer, t, 'siteAudits.needsServer') });
      // Held audits are not yet for comparison: not for a site's eyes either.
      else if (answer.value.status !== 'accepted') setState({ kind: 'failed', message: t('siteAudits.notFound') });
      else setState({ kind: 'ready', record: answer.value });
    });
    return () => {
      isCurrent = false;
    };
  }, [link.serverUrl, auditId, t]);

  if (state.kind === 'loading') return <p role="status">{t('siteAudits.loading')}</p>;
  if (state.kind === 'failed')
    return (
      <p className="banner banner--warn" role="alert" data-testid="site-audit-error">
        {state.message}
      </p>
    );
  const { facts } = state.record;
  const grades = gradeCountsOf(facts.units);
  return (
    <>
      <h2 data-testid="site-audit-site">{facts.siteName}</h2>
      <p className="subtitle">
        {facts.rubricId} · {formatDateTime(facts.auditedAt, i18n.language)} · {facts.auditor}
        {facts.revision > 1 && ` · ${t('siteAudits.revision', { revision: facts.revision })}`}
      </p>
      <p data-testid="site-audit-grade-summary">{gradeSummary(grades)}</p>
      <SealedSheetButton serverUrl={link.serverUrl} auditId={facts.auditId} />
      <h3>{t('siteAudits.items')}</h3>
      <table className="summary-table" data-testid="site-audit-items">
        <thead>
          <tr>
            <th scope="col">{t('siteAudits.item')}</th>
            <th scope="col" className="num">
              {t('siteAudits.earned')}
            </th>
            <th scope="col" className="num">
              {t('siteAudits.possible')}
            </th>
          </tr>
        </thead>
        <tbody>
          {facts.items.map((item) => (
            <tr key={item.id} data-testid="site-audit-item" data-item-id={item.id}>
              <td>
                {item.label ?? item.id} {item.title}
              </td>
              <td className="num">{formatPoints(item.earnedH)}</td>
              <td className="num">{formatPoints(item.possibleH)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('siteAudits.total')}</th>
            <td className="num" data-testid="site-audit-earned">
              {formatPoints(facts.earnedH)}
            </td>
            <td className="num">{formatPoints(facts.possibleH)}</td>
          </tr>
        </tfoot>
      </table>
    </>
  );
}

/** One audit of the manager's sites: its scores per item and 下载评分表. */
export function SiteAuditPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  return (
    <section className="page" aria-labelledby="site-audit-title">
      <div className="page__head">
        <h1 id="site-audit-title">{t('siteAudits.title')}</h1>
        <Link to="/site-audits" className="button button--ghost">
          {t('siteAudits.back')}
        </Link>
      </div>
      <SignedIn>{(link) => <AuditDetail link={link} auditId={id} />}</SignedIn>
    </section>
  );
}
