import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ScoreResult } from '../../../domain/index';
import { formatPercent, formatPoints } from '../../format';

interface ScoreBarProps {
  readonly auditId: string;
  readonly score: ScoreResult;
  readonly onNextUngraded: () => void;
  /** A finalised audit is past signing: its summary and signatures can be looked at, not signed again. */
  readonly isEditable: boolean;
}

/** Always on screen: the running score, how far along the audit is, and the way to what is left. */
export function ScoreBar({ auditId, score, onNextUngraded, isEditable }: ScoreBarProps) {
  const { t } = useTranslation();
  const total = score.nodes.filter((n) => n.isUnit).length;
  const graded = total - score.missing.length;
  return (
    <div className="score-bar" role="region" aria-label={t('scoring.progress', { graded, total })}>
      <span
        className="score-bar__total"
        data-testid="running-total"
        data-earned={score.earnedH}
        data-possible={score.possibleH}
      >
        {t('scoring.running', {
          earned: formatPoints(score.earnedH),
          possible: formatPoints(score.possibleH),
        })}
      </span>
      <span className="score-bar__percent" data-testid="running-percent">
        {t('scoring.percent', { percent: formatPercent(score.percentTenths) })}
      </span>
      <span className="score-bar__progress" data-testid="progress">
        <progress max={total} value={graded} aria-hidden="true" />
        {t('scoring.progress', { graded, total })}
      </span>
      <button
        type="button"
        className="button"
        onClick={onNextUngraded}
        disabled={score.missing.length === 0}
        data-testid="next-ungraded"
      >
        {score.missing.length === 0 ? t('scoring.allGraded') : t('scoring.nextUngraded')}
      </button>
      {isEditable ? (
        <Link to={`/audits/${auditId}/review`} className="button button--primary" data-testid="to-review">
          {t('scoring.review')}
        </Link>
      ) : (
        <Link to={`/audits/${auditId}/review`} className="button" data-testid="view-review">
          {t('scoring.viewReview')}
        </Link>
      )}
    </div>
  );
}
