import {
  Fragment,
  lazy,
  memo,
  startTransition,
  Suspense,
  useCallback,
  useEffect,
  useState,
  useSyncExternalStore,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link, useParams, useSearchParams } from 'react-router';
import { useStore } from '../../providers/store-provider';
import { isEditable as isDraft, timedUnitOf, type RubricNode } from '../../../domain/index';
import { formatDateTime, formatPoints } from '../../format';
import { AuditLoading, AuditNotFound } from '../../components/AuditRoute';
import { SheetActions } from '../../components/SheetActions';
import type { AuditForm } from './audit-form';
import { ScoreBar } from './ScoreBar';
import { CallTimer } from './CallTimer';
import { UnitCard } from './UnitCard';
import { firstScreenful } from './first-screenful';
import { NoteDraftsProvider } from './note-drafts';
import { useAuditForm, useNodeScore, useUnitState } from './use-audit-form';

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
  const { id } = useParams();
  const form = useAuditForm(id);
  if (form === 'loading') return <AuditLoading />;
  if (form === undefined) return <AuditNotFound />;
  return (
    <NoteDraftsProvider key={form.auditId}>
      <ScoringForm form={form} />
    </NoteDraftsProvider>
  );
}

/**
 * A graded unit's card, fed from the form: it re-renders when its own answer or score changes, and a tap
 * elsewhere never reaches it.
 */
const UnitSlot = memo(function UnitSlot({
  form,
  node,
  isEditable,
  showMethod,
}: {
  form: AuditForm;
  node: RubricNode;
  isEditable: boolean;
  showMethod: boolean;
}) {
  const [answer, score] = useUnitState(form, node.id);
  const card = (
    <UnitCard
      auditId={form.auditId}
      node={node}
      answer={answer}
      score={score}
      allowNA={form.rubric.allowNA}
      isEditable={isEditable}
      showMethod={showMethod}
    />
  );
  // A timed unit (KF01 3) gets the call timer right under its card, as evidence for the grade.
  const timed = timedUnitOf(form.rubric.id, node.id);
  if (!timed) return card;
  return (
    <Fragment>
      {card}
      <CallTimer auditId={form.auditId} unit={timed} timing={answer?.timing} isEditable={isEditable} />
    </Fragment>
  );
});

/** An item's earned / possible beside its points; follows only that item's score. */
const ItemPoints = memo(function ItemPoints({ form, node }: { form: AuditForm; node: RubricNode }) {
  const { t } = useTranslation();
  const nodeScore = useNodeScore(form, node.id);
  return (
    <span className="item__points">
      {nodeScore && `${formatPoints(nodeScore.earnedH)} / ${formatPoints(nodeScore.possibleH)} · `}
      {t('scoring.points', { points: node.points })}
    </span>
  );
});

function LiveScoreBar({
  form,
  onNextUngraded,
  isEditable,
}: {
  form: AuditForm;
  onNextUngraded: () => void;
  isEditable: boolean;
}) {
  const score = useSyncExternalStore(form.subscribe, form.getScore);
  return (
    <ScoreBar auditId={form.auditId} score={score} onNextUngraded={onNextUngraded} isEditable={isEditable} />
  );
}

/** The page around the cards: it re-renders when the header changes (e.g. 定稿 in another tab), not per tap. */
function ScoringForm({ form }: { form: AuditForm }) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const header = useSyncExternalStore(form.subscribe, form.getHeader);
  const { rubric } = form;
  const isEditable = isDraft(header);
  const store = useStore();
  const nextRevisionId = useLiveQuery(
    () => (isEditable ? undefined : store.nextRevisionId(header)),
    [store, header, isEditable],
  );

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
    const next = nextUngraded(form.getScore().missing);
    if (next) focusUnit(next);
  }, [form]);

  const renderNode = (node: RubricNode, depth: number) => {
    if (node.children === undefined) {
      return (
        <UnitSlot key={node.id} form={form} node={node} isEditable={isEditable} showMethod={depth === 0} />
      );
    }
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
          <ItemPoints form={form} node={node} />
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
      <LiveScoreBar form={form} onNextUngraded={onNextUngraded} isEditable={isEditable} />
      {(isWhole ? rubric.items : firstScreenful(rubric.items)).map((item) => renderNode(item, 0))}
    </div>
  );
}
