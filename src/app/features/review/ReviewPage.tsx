import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { finaliseBlockers, isEditable as isDraft, signerRoles } from '../../../domain/index';
import type { StoredAudit } from '../../../storage/audit-store';
import { formatPercent, formatPoints } from '../../format';
import { AuditRoute } from '../../components/AuditRoute';
import { useSaveState, useSaveTracker, type UnsavedWrite } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';
import { SheetActions } from '../../components/SheetActions';
import { SignatureBlock } from './SignatureBlock';

export function ReviewPage() {
  return <AuditRoute>{(audit) => <Review audit={audit} />}</AuditRoute>;
}

function Review({ audit }: { audit: StoredAudit }) {
  const { t } = useTranslation();
  const store = useStore();
  const { track, unsavedNow, settled } = useSaveTracker();
  const navigate = useNavigate();
  const { header, rubric, score, answers } = audit;
  const isEditable = isDraft(header);
  const blockers = finaliseBlockers(rubric, header, answers);
  // The database alone is not the audit: a grade or note still being written, or whose write failed, is on
  // screen but not stored. Sealing now would leave it out and lock the audit against its retry.
  const unsaved = useSaveState((state) => state.unsavedFor(header.id));
  const canFinalise =
    isEditable && blockers.ungraded.length === 0 && blockers.unsigned.length === 0 && unsaved.length === 0;
  const describe = (write: UnsavedWrite) => {
    const role = signerRoles.find((r) => r === write.target);
    const subject =
      write.what === 'signature' && role !== undefined
        ? t(`review.role.${role}`)
        : t('scoring.unitLabel', { unit: write.target });
    return t('review.unsavedEntry', {
      subject,
      what: t(`review.unsavedWhat.${write.what}`),
      state: t(`review.unsavedState.${write.state}`),
    });
  };
  const itemScore = (itemId: string) => score.nodes.find((n) => n.id === itemId);

  const finalise = async () => {
    await settled();
    if (unsavedNow(header.id).length > 0) return;
    const done = await track(`finalise:${header.id}`, () => store.finalise(header.id));
    if (done) await navigate(`/audits/${header.id}`);
  };

  return (
    <div className="page">
      <div className="page__head">
        <h1>
          {t(isEditable ? 'review.title' : 'review.finalisedTitle')} · {header.site.name}
        </h1>
        <Link to={`/audits/${header.id}`} className="button">
          {t('review.backToForm')}
        </Link>
      </div>
      <SheetActions header={header} />

      <section aria-labelledby="summary-title">
        <h2 id="summary-title">{t('review.summary')}</h2>
        <table className="summary-table" data-testid="summary">
          <thead>
            <tr>
              <th scope="col">{t('review.item')}</th>
              <th scope="col">{t('review.earned')}</th>
              <th scope="col">{t('review.possible')}</th>
            </tr>
          </thead>
          <tbody>
            {rubric.items.map((item) => {
              const s = itemScore(item.id);
              return (
                <tr key={item.id} data-item-id={item.id}>
                  <th scope="row">
                    {item.label ?? item.id} {item.title}
                    {s?.isCapApplied && ` (${t('scoring.capNote', { points: item.points })})`}
                    {s?.overflow === 'deduct' && s.lostH > 0 && ` (${t('scoring.deductLost', { lost: formatPoints(s.lostH) })})`}
                  </th>
                  <td>{s ? formatPoints(s.earnedH) : '—'}</td>
                  <td>{s ? formatPoints(s.possibleH) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('review.total')}</th>
              <td data-testid="review-earned">{formatPoints(score.earnedH)}</td>
              <td data-testid="review-possible">
                {formatPoints(score.possibleH)} ·{' '}
                <span data-testid="review-percent">{formatPercent(score.percentTenths)}</span>
              </td>
            </tr>
          </tfoot>
        </table>
      </section>

      {isEditable && blockers.ungraded.length > 0 && (
        <section className="banner banner--warn" aria-labelledby="ungraded-title" data-testid="ungraded-list">
          <h2 id="ungraded-title">{t('review.ungradedTitle')}</h2>
          <ul className="chip-list">
            {blockers.ungraded.map((unitId) => (
              <li key={unitId}>
                <Link
                  to={`/audits/${header.id}?focus=${encodeURIComponent(unitId)}`}
                  className="chip"
                  data-testid="ungraded-link"
                >
                  {unitId}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="signatures-title">
        <h2 id="signatures-title">{t('review.signatures')}</h2>
        <div className="signatures">
          {signerRoles.map((role) => (
            <SignatureBlock
              key={`${role}-${header.signatures[role]?.signedAt ?? ''}`}
              auditId={header.id}
              role={role}
              signature={header.signatures[role]}
              isEditable={isEditable}
              suggestedName={role === 'auditor' ? header.auditor : undefined}
            />
          ))}
        </div>
      </section>

      {isEditable ? (
        <section className="finalise">
          {unsaved.length > 0 && (
            <div className="banner banner--error" role="alert" data-testid="unsaved-list">
              <p>{t('review.unsavedTitle')}</p>
              <ul>
                {unsaved.map((write) => (
                  <li key={write.key} data-state={write.state}>
                    {describe(write)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {blockers.unsigned.length > 0 && (
            <p data-testid="unsigned-list">
              {t('review.unsignedTitle')} {blockers.unsigned.map((r) => t(`review.role.${r}`)).join('、')}
            </p>
          )}
          <p>{t('review.finaliseHint')}</p>
          <button
            type="button"
            className="button button--primary button--large"
            disabled={!canFinalise}
            onClick={() => void finalise()}
            data-testid="finalise"
          >
            {t('review.finalise')}
          </button>
        </section>
      ) : (
        <p className="status status--finalised">{t('review.finalised')}</p>
      )}
    </div>
  );
}
