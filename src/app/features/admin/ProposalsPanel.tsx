import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { proposalDecisionSchema, type siteProposalSchema } from '../../../domain/wire';
import { formatDateTime } from '../../format';
import type { AdminApi } from './admin-api';
import { ActionStatusLine, FailureMessage, type ActionStatus } from './FailureMessage';
import { siteLabel, type ServerSite } from './SiteChecklist';
import { useApiLoad } from './use-api-load';

type Proposal = z.infer<typeof siteProposalSchema>;

/** Sites auditors added offline, waiting for head office: a new site with a code, or the same as one here. */
export function ProposalsPanel({
  api,
  sites,
  onDecided,
}: {
  api: AdminApi;
  sites: readonly ServerSite[];
  onDecided: () => void;
}) {
  const { t } = useTranslation();
  const [proposals, reload] = useApiLoad(useCallback(() => api.listProposals(), [api]));
  const [status, setStatus] = useState<ActionStatus>({ kind: 'idle' });
  return (
    <section
      aria-labelledby="admin-proposals-title"
      className="dashboard__panel"
      data-testid="admin-proposals"
    >
      <div className="page__head">
        <h2 id="admin-proposals-title">{t('admin.proposals.title')}</h2>
        <button type="button" className="button" onClick={reload} data-testid="admin-proposals-refresh">
          {t('admin.refresh')}
        </button>
      </div>
      <p className="subtitle">{t('admin.proposals.hint')}</p>
      <ActionStatusLine status={status} testId="admin-proposal-status" />
      {proposals.kind === 'loading' && <p className="loading">{t('admin.loading')}</p>}
      {proposals.kind === 'failed' && (
        <FailureMessage failure={proposals.failure} testId="admin-proposals-error" />
      )}
      {proposals.kind === 'ok' && proposals.value.proposals.length === 0 && (
        <p>{t('admin.proposals.empty')}</p>
      )}
      {proposals.kind === 'ok' &&
        proposals.value.proposals.map((proposal) => (
          <ProposalCard
            key={proposal.id}
            api={api}
            proposal={proposal}
            sites={sites}
            onDone={(next) => {
              setStatus(next);
              if (next.kind === 'done') {
                reload();
                onDecided();
              }
            }}
          />
        ))}
    </section>
  );
}

function ProposalCard({
  api,
  proposal,
  sites,
  onDone,
}: {
  api: AdminApi;
  proposal: Proposal;
  sites: readonly ServerSite[];
  onDone: (status: ActionStatus) => void;
}) {
  const { t, i18n } = useTranslation();
  const codeId = useId();
  const intoId = useId();
  const [decision, setDecision] = useState<'accept' | 'merge'>('accept');
  const [code, setCode] = useState(proposal.code ?? '');
  const [into, setInto] = useState('');
  const [problem, setProblem] = useState<{ readonly hint: string; readonly detail: string }>();

  const submit = async () => {
    const parsed = proposalDecisionSchema.safeParse(
      decision === 'accept' ? { decision, code } : { decision, into },
    );
    if (!parsed.success) {
      setProblem({
        hint: decision === 'accept' ? t('admin.proposals.invalidCode') : t('admin.proposals.invalidInto'),
        detail: parsed.error.issues[0]?.message ?? '',
      });
      return;
    }
    setProblem(undefined);
    const decided = await api.decideProposal(proposal.id, parsed.data);
    onDone(
      decided.ok
        ? {
            kind: 'done',
            message:
              decided.value.proposal.status === 'merged'
                ? t('admin.proposals.merged', { code: decided.value.site.code })
                : t('admin.proposals.accepted', { code: decided.value.site.code }),
          }
        : { kind: 'failed', failure: decided },
    );
  };

  return (
    <form
      className="form dashboard__panel"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      data-testid={`admin-proposal-${proposal.id}`}
    >
      <h3>
        {proposal.name}
        {proposal.region && ` · ${proposal.region}`}
        {proposal.code && ` · ${t('admin.proposals.code')} ${proposal.code}`}
      </h3>
      <p className="subtitle">
        {t('admin.proposals.proposedBy')}: {proposal.proposedBy} · {t('admin.proposals.proposedAt')}:{' '}
        {formatDateTime(proposal.proposedAt, i18n.language)}
      </p>
      <label className="choice-row">
        <input
          type="radio"
          checked={decision === 'accept'}
          onChange={() => {
            setDecision('accept');
          }}
          data-testid="admin-proposal-accept"
        />{' '}
        {t('admin.proposals.accept')}
      </label>
      {decision === 'accept' && (
        <div className="field">
          <label htmlFor={codeId} className="field__label">
            {t('admin.proposals.acceptCode')}
          </label>
          <input
            id={codeId}
            value={code}
            onChange={(event) => {
              setCode(event.target.value);
            }}
            data-testid="admin-proposal-code"
          />
        </div>
      )}
      <label className="choice-row">
        <input
          type="radio"
          checked={decision === 'merge'}
          onChange={() => {
            setDecision('merge');
          }}
          data-testid="admin-proposal-merge"
        />{' '}
        {t('admin.proposals.merge')}
      </label>
      {decision === 'merge' && (
        <div className="field">
          <label htmlFor={intoId} className="field__label">
            {t('admin.proposals.mergeInto')}
          </label>
          <select
            id={intoId}
            value={into}
            onChange={(event) => {
              setInto(event.target.value);
            }}
            data-testid="admin-proposal-into"
          >
            <option value="">{t('admin.proposals.pickSite')}</option>
            {sites.map((site) => (
              <option key={site.code} value={site.code}>
                {siteLabel(site)}
              </option>
            ))}
          </select>
        </div>
      )}
      {problem && (
        <p className="field__error" role="alert">
          {problem.hint}
          <span className="technical">{problem.detail}</span>
        </p>
      )}
      <div className="sheet-actions">
        <button type="submit" className="button button--primary" data-testid="admin-proposal-decide">
          {t('admin.save')}
        </button>
      </div>
    </form>
  );
}
