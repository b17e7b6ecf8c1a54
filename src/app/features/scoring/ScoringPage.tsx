import { Fragment, lazy, startTransition, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link, useSearchParams } from 'react-router';
import { useStore } from '../../providers/store-provider';
import {
  isEditable as isDraft,
  timedUnitOf,
  type Answer,
  type NodeScore,
  type RubricNode,
} from '../../../domain/index';
import type { StoredAudit } from '../../../storage/audit-store';
import { formatDateTime, formatPoints } from '../../format';
import { AuditRoute } from '../../components/AuditRoute';
import { SheetActions } from '../../components/SheetActions';
import { ScoreBar } from './ScoreBar';
import { CallTimer } from './CallTimer';
import { UnitCard } from './UnitCard';
import { firstScreenful } from './first-screenful';
import { NoteDraftsProvider } from './note-drafts';

// Correcting a finalised audit needs a form library the scoring itself does not: fetched only when shown.
const AmendForm = lazy(() => import('./AmendForm').then((m) => ({ default: m.AmendForm })));

function focusUnit(unitId: string): void {
  const card = document.getElementById(`unit-${unitId}`);
  if (!card) return;
  card.scrollIntoView({ block: 'start', behavior: 'smooth' });
  card.querySelector<HTMLButtonElement>('.grade-button')?.focus({ preventScroll: true });
}

/** The first ungraded unit below the one nearest the top of the screen, wrapping to the start. */
function nextUngraded(missing: readonly string[]): string | undefined {
  const below = missing.find((id) => {
    const top = document.getElementById(`unit-${id}`)?.getBoundingClientRect().top;
    return top !== undefined && top > 120;
  });
  return below ?? missing[0];
}

export function ScoringPage() {
  return (
    <AuditRoute>
      {(audit) => (
        <NoteDraftsProvider key={audit.header.id}>
          <ScoringForm audit={audit} />
        </NoteDraftsProvider>
      )}
    </AuditRoute>
  );
}

function ScoringForm({ audit }: { audit: StoredAudit }) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const { header, rubric, score } = audit;
  const isEditable = isDraft(header);
  const store = useStore();
  const nextRevisionId = useLiveQuery(
    () => (isEditable ? undefined : store.nextRevisionId(header)),
    [store, header, isEditable],
  );
  const answers = useMemo(
    () => new Map<string, Answer>(audit.answers.map((a) => [a.unitId, a])),
    [audit.answers],
  );
  const scores = useMemo(() => new Map<string, NodeScore>(score.nodes.map((n) => [n.id, n])), [score.nodes]);

  const focus = params.get('focus');
  // The first screenful first, the rest right after (firstScreenful); whole at once when a unit is asked for.
  const [isWhole, setWhole] = useState(focus !== null);
  useEffect(() => {
    startTransition(() => {
      setWhole(true);
    });
  }, []);
  useEffect(() => {
    if (focus) focusUnit(focus);
  }, [focus]);
  const onNextUngraded = useCallback(() => {
    const next = nextUngraded(score.missing);
    if (next) focusUnit(next);
  }, [score.missing]);

  const renderNode = (node: RubricNode, depth: number) => {
    if (node.children === undefined) {
      const timed = timedUnitOf(rubric.id, node.id);
      const card = (
        <UnitCard
          key={node.id}
          auditId={header.id}
          node={node}
          answer={answers.get(node.id)}
          score={scores.get(node.id)}
          allowNA={rubric.allowNA}
          isEditable={isEditable}
          showMethod={depth === 0}
        />
      );
      // A timed unit (KF01 3) gets the call timer right under its card, as evidence for the grade.
      if (!timed) return card;
      return (
        <Fragment key={node.id}>
          {card}
          <CallTimer
            auditId={header.id}
            unit={timed}
            timing={answers.get(node.id)?.timing}
            isEditable={isEditable}
          />
        </Fragment>
      );
    }
    const nodeScore = scores.get(node.id);
    const Heading = depth === 0 ? 'h2' : 'h3';
    return (
      <section
        key={node.id}
        className={`item item--depth-${depth}`}
        aria-labelledby={`item-${node.id}`}
        data-testid="item"
        data-item-id={node.id}
      >
        <Heading id={`item-${node.id}`} className="item__title">
          <span>
            {node.label ?? node.id} {node.title}
          </span>
          <span className="item__points">
            {nodeScore && `${formatPoints(nodeScore.earnedH)} / ${formatPoints(nodeScore.possibleH)} · `}
            {t('scoring.points', { points: node.points })}
          </span>
        </Heading>
        {node.overflow === 'cap' && (
          <p className="item__cap">{t('scoring.capNote', { points: node.points })}</p>
        )}
        {node.overflow === 'deduct' && (
          <p className="item__cap">{t('scoring.deductNote', { points: node.points })}</p>
        )}
        {node.method && (
          <details className="item__method">
            <summary>{t('scoring.method')}</summary>
            <p>{node.method}</p>
          </details>
        )}
        {node.children.map((child) => renderNode(child, depth + 1))}
      </section>
    );
  };

  return (
    <div className="page scoring" data-status={header.status}>
      <div className="page__head">
        <div>
          <h1>{header.site.name}</h1>
          <p className="subtitle">
            {rubric.form} {rubric.title} · {formatDateTime(header.auditedAt, i18n.language)} ·{' '}
            {t(`mode.${header.mode}`)} · {header.auditor}
          </p>
          {header.revision > 1 && (
            <p className="subtitle" data-testid="revision-info">
              {t('scoring.revisionOf', { revision: header.revision, reason: header.amendReason ?? '' })}
            </p>
          )}
        </div>
        <span className={`status status--${header.status}`} data-testid="audit-status">
          {t(`status.${header.status}`)}
        </span>
      </div>
      {!isEditable && (
        <div className="banner banner--info" role="note" data-testid="read-only">
          <p>{t('scoring.readOnly')}</p>
          <SheetActions header={header} />
          {nextRevisionId === undefined ? (
            <Suspense fallback={null}>
              <AmendForm auditId={header.id} />
            </Suspense>
          ) : (
            <Link to={`/audits/${nextRevisionId}`} className="button" data-testid="next-revision">
              {t('scoring.nextRevision', { revision: header.revision + 1 })}
            </Link>
          )}
        </div>
      )}
      <ScoreBar auditId={header.id} score={score} onNextUngraded={onNextUngraded} isEditable={isEditable} />
      {(isWhole ? rubric.items : firstScreenful(rubric.items)).map((item) => renderNode(item, 0))}
    </div>
  );
}
