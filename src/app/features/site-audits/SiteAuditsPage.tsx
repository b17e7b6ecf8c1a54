import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { receivedAuditListSchema, type ReceivedAudit } from '../../../domain/wire';
import type { ServerLink } from '../../../storage/server-link';
import { formatDateTime, formatPercent, formatPoints } from '../../format';
import { callApi } from '../../server/api-client';
import { useGradeSummary } from './grade-summary';
import { describeFailure } from './server-problem';
import { SignedIn } from './SignedIn';

const PAGE_SIZE = 50;

/** The key audits carry (`name:…` / `code:…`) without its prefix, for a site not seen in a loaded audit yet. */
const bareKey = (key: string): string => key.replace(/^(name|code):/, '');

type ListState =
  | { kind: 'loading'; audits: readonly ReceivedAudit[] }
  | { kind: 'ready'; audits: readonly ReceivedAudit[]; nextCursor: string | null }
  | { kind: 'failed'; audits: readonly ReceivedAudit[]; message: string };

/** One page of the list from the server, for one site or all the reader's sites. */
const fetchPage = (serverUrl: string, site: string, cursor: string | undefined) =>
  callApi(serverUrl, {
    path: '/api/audits',
    query: { limit: PAGE_SIZE, ...(site === '' ? {} : { site }), ...(cursor === undefined ? {} : { cursor }) },
    schema: receivedAuditListSchema,
  });

function AuditList({ link }: { link: ServerLink }) {
  const { t, i18n } = useTranslation();
  const gradeSummary = useGradeSummary();
  const [site, setSite] = useState('');
  const [state, setState] = useState<ListState>({ kind: 'loading', audits: [] });
  const [attempt, setAttempt] = useState(0);
  // A page asked for under an earlier filter must not land in the list of the current one.
  const generation = useRef(0);

  const settle = useCallback(
    (answer: Awaited<ReturnType<typeof fetchPage>>, shown: readonly ReceivedAudit[]): ListState =>
      answer.ok
        ? { kind: 'ready', audits: [...shown, ...answer.value.audits], nextCursor: answer.value.nextCursor }
        : { kind: 'failed', audits: shown, message: describeFailure(answer, t, 'siteAudits.needsServer') },
    [t],
  );

  useEffect(() => {
    const asked = ++generation.current;
    void fetchPage(link.serverUrl, site, undefined).then((answer) => {
      if (asked === generation.current) setState(settle(answer, []));
    });
  }, [link.serverUrl, site, attempt, settle]);

  const loadMore = (cursor: string, shown: readonly ReceivedAudit[]) => {
    const asked = generation.current;
    setState({ kind: 'loading', audits: shown });
    void fetchPage(link.serverUrl, site, cursor).then((answer) => {
      if (asked === generation.current) setState(settle(answer, shown));
    });
  };

  const names = new Map(state.audits.map((a) => [a.siteKey, a.siteName]));
  return (
    <>
      <label className="field field--inline">
        <span className="field__label">{t('siteAudits.site')}</span>
        <select
          value={site}
          onChange={(e) => {
            setSite(e.target.value);
            setState({ kind: 'loading', audits: [] });
          }}
          data-testid="site-audits-site"
        >
          <option value="">{t('siteAudits.allSites')}</option>
          {link.session.siteKeys.map((key) => (
            <option key={key} value={key}>
              {names.get(key) ?? bareKey(key)}
            </option>
          ))}
        </select>
      </label>
      {state.kind === 'failed' && (
        <div className="banner banner--warn" role="alert" data-testid="site-audits-error">
          <p>{state.message}</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              setState({ kind: 'loading', audits: [] });
              setAttempt((n) => n + 1);
            }}
          >
            {t('app.retry')}
          </button>
        </div>
      )}
      {state.kind === 'ready' && state.audits.length === 0 && <p data-testid="site-audits-empty">{t('siteAudits.empty')}</p>}
      {state.audits.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="site-audits-table">
            <thead>
              <tr>
                <th scope="col">{t('siteAudits.columns.site')}</th>
                <th scope="col">{t('siteAudits.columns.rubric')}</th>
                <th scope="col">{t('siteAudits.columns.date')}</th>
                <th scope="col">{t('siteAudits.columns.auditor')}</th>
                <th scope="col" className="num">
                  {t('siteAudits.columns.total')}
                </th>
                <th scope="col">{t('siteAudits.columns.grades')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {state.audits.map((audit) => (
                <tr key={audit.auditId} data-testid="site-audit-row" data-audit-id={audit.auditId}>
                  <td>
                    {audit.siteName}
                    {audit.revision > 1 && ` (${t('siteAudits.revision', { revision: audit.revision })})`}
                  </td>
                  <td>{audit.rubricId}</td>
                  <td>{formatDateTime(audit.auditedAt, i18n.language)}</td>
                  <td>{audit.auditor}</td>
                  <td className="num" data-testid="site-audit-total">
                    {formatPoints(audit.earnedH)} / {formatPoints(audit.possibleH)} ({formatPercent(audit.percentTenths)})
                  </td>
                  <td data-testid="site-audit-grades">{gradeSummary(audit.grades)}</td>
                  <td>
                    <Link to={`/site-audits/${audit.auditId}`} className="button" data-testid="site-audit-open">
                      {t('siteAudits.open')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state.kind === 'loading' && <p role="status">{t('siteAudits.loading')}</p>}
      {state.kind === 'ready' && state.nextCursor !== null && (
        <button
          type="button"
          className="button"
          onClick={() => {
            if (state.nextCursor !== null) loadMore(state.nextCursor, state.audits);
          }}
          data-testid="site-audits-more"
        >
          {t('siteAudits.loadMore')}
        </button>
      )}
    </>
  );
}

/**
 * 本单位考核: a 管理处负责人's view of their sites' audits as the server received them. Nothing of it is kept on
 * the device: offline, the screen says the list needs the server.
 */
export function SiteAuditsPage() {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="site-audits-title">
      <div className="page__head">
        <h1 id="site-audits-title">{t('siteAudits.title')}</h1>
      </div>
      <p className="subtitle">{t('siteAudits.intro')}</p>
      <SignedIn>{(link) => <AuditList link={link} />}</SignedIn>
    </section>
  );
}

