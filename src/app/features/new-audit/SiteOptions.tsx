import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { SiteChoice } from '../../../storage/audit-store';

// i18next's own type: ReturnType<typeof useTranslation>['t'] grows too deep for TypeScript (TS2589) with the full catalogue.
type Translate = TFunction;

function proposalState(t: Translate, choice: SiteChoice): string | undefined {
  const proposal = choice.proposal;
  if (!proposal) return undefined;
  return proposal.status === 'merged'
    ? t('downSync.state.merged', { target: choice.targetName ?? '' })
    : t(`downSync.state.${proposal.status}`);
}

function optionLabel(t: Translate, choice: SiteChoice): string {
  const details = [choice.code, choice.region].filter((d) => d !== undefined && d !== '');
  const state = proposalState(t, choice);
  return `${choice.name}${details.length > 0 ? ` (${details.join(' · ')})` : ''}${state ? ` — ${state}` : ''}`;
}

const GROUPS = ['server', 'proposal', 'local'] as const;
const GROUP_LABELS = {
  server: 'downSync.groupServer',
  proposal: 'downSync.groupProposal',
  local: 'downSync.groupLocal',
} as const;

/**
 * The known sites for the 新建考核 picker: head office's first (by name, with code and region), then sites added
 * here as proposals with their state, then this device's own. Without a server there is one group and no headings.
 */
export function SiteOptions({ sites }: { sites: readonly SiteChoice[] }) {
  const { t } = useTranslation();
  const groups = GROUPS.map((group) => ({ group, sites: sites.filter((s) => s.group === group) })).filter(
    (g) => g.sites.length > 0,
  );
  const options = (list: readonly SiteChoice[]) =>
    list.map((s) => (
      <option key={s.id} value={s.id}>
        {optionLabel(t, s)}
      </option>
    ));
  if (groups.length === 1 && groups[0]?.group === 'local') return <>{options(groups[0].sites)}</>;
  return (
    <>
      {groups.map(({ group, sites: list }) => (
        <optgroup key={group} label={t(GROUP_LABELS[group])}>
          {options(list)}
        </optgroup>
      ))}
    </>
  );
}

/** Under the picker: what became of the picked site's proposal, and which site a new audit will record. */
export function SiteProposalNote({ choice }: { choice: SiteChoice | undefined }) {
  const { t } = useTranslation();
  const proposal = choice?.proposal;
  if (!choice || !proposal) return null;
  const target = choice.targetName ?? proposal.siteCode ?? '';
  return (
    <p className="field__hint" role="status" data-testid="site-proposal-state" data-status={proposal.status}>
      {t(`downSync.note.${proposal.status}`, { target: proposal.status === 'accepted' ? (proposal.siteCode ?? '') : target, message: proposal.message ?? '' })}
    </p>
  );
}
