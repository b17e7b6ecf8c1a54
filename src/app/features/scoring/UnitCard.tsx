import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gradeKeys, type Answer, type Grade, type NodeScore, type RubricNode } from '../../../domain/index';
import { formatPoints } from '../../format';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';
import { NoteField } from './NoteField';
import { PhotoStrip } from './PhotoStrip';
import { MetricField } from './kinds/MetricField';

const sameAnswer = (a: Answer | undefined, b: Answer | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.grade === b.grade &&
    a.figure === b.figure &&
    a.note === b.note &&
    a.photoIds.join() === b.photoIds.join());

/** Live queries hand out fresh objects on every write; re-render a card only when its own unit changed. */
function isSameCard(prev: UnitCardProps, next: UnitCardProps): boolean {
  return (
    prev.auditId === next.auditId &&
    prev.node === next.node &&
    prev.allowNA === next.allowNA &&
    prev.isEditable === next.isEditable &&
    prev.showMethod === next.showMethod &&
    sameAnswer(prev.answer, next.answer) &&
    prev.score?.earnedH === next.score?.earnedH &&
    prev.score?.state === next.score?.state
  );
}

interface UnitCardProps {
  readonly auditId: string;
  readonly node: RubricNode;
  readonly answer: Answer | undefined;
  readonly score: NodeScore | undefined;
  readonly allowNA: boolean;
  readonly isEditable: boolean;
  /** Shown on the card only when the unit has a method of its own (KF01); sub-items show their item's above. */
  readonly showMethod: boolean;
}

export const UnitCard = memo(function UnitCard({
  auditId,
  node,
  answer,
  score,
  allowNA,
  isEditable,
  showMethod,
}: UnitCardProps) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  // The tapped grade shows as pending until the store confirms it; on failure it stays, marked unsaved.
  const [tapped, setPending] = useState<{ grade: Grade | undefined; failed: boolean }>();
  // Once the stored grade catches up (saved, or saved later by a retry), the tap is no longer pending.
  const pending = tapped && tapped.grade !== answer?.grade ? tapped : undefined;
  const grades: readonly Grade[] = allowNA ? [...gradeKeys, 'na'] : gradeKeys;
  const shown = pending ? pending.grade : answer?.grade;

  const choose = async (grade: Grade | undefined) => {
    setPending({ grade, failed: false });
    const saved = await track(`grade:${auditId}:${node.id}`, () => store.saveGrade(auditId, node.id, grade));
    setPending(saved ? undefined : { grade, failed: true });
  };

  return (
    <article
      className={`unit ${shown === undefined && answer?.figure === undefined ? 'unit--ungraded' : ''}`}
      id={`unit-${node.id}`}
      data-testid="unit"
      data-unit-id={node.id}
      data-grade={answer?.grade ?? ''}
      aria-labelledby={`unit-${node.id}-title`}
    >
      <header className="unit__head">
        <h3 id={`unit-${node.id}-title`} className="unit__id">
          {t('scoring.unitLabel', { unit: node.id })}
          {node.title && node.children === undefined && node.id.includes('.') && ` ${node.title}`}
        </h3>
        <span className="unit__points">{t('scoring.points', { points: node.points })}</span>
        <span className="unit__earned" data-testid="unit-earned">
          {score && score.state === 'graded'
            ? t('scoring.earns', { earned: formatPoints(score.earnedH) })
            : shown === 'na'
              ? t('grade.na')
              : ''}
        </span>
      </header>
      <p className="unit__standard">{node.standard}</p>
      {showMethod && node.method && (
        <details className="unit__method">
          <summary>{t('scoring.method')}</summary>
          <p>{node.method}</p>
        </details>
      )}
      {/* The unit's kind owns its control: a figure for a metric, the scale's buttons otherwise. */}
      {node.kind === 'metric' ? (
        <MetricField auditId={auditId} node={node} answer={answer} isEditable={isEditable} />
      ) : (
        <>
          <div className="grade-buttons" role="group" aria-label={t('scoring.gradeGroup', { unit: node.id })}>
            {grades.map((grade) => (
              <button
                key={grade}
                type="button"
                className={`grade-button grade-button--${grade}`}
                aria-pressed={shown === grade}
                data-pending={pending?.grade === grade ? (pending.failed ? 'failed' : 'saving') : undefined}
                disabled={!isEditable}
                onClick={() => void choose(grade)}
                data-testid={`grade-${node.id}-${grade}`}
              >
                {t(`grade.${grade}`)}
              </button>
            ))}
          </div>
          {isEditable && shown !== undefined && (
            <button
              type="button"
              className="button button--small button--ghost unit__clear"
              onClick={() => void choose(undefined)}
            >
              {t('scoring.clearGrade')}
            </button>
          )}
          {pending?.failed && (
            <p className="field__error" role="alert">
              {t('save.failed')}
            </p>
          )}
        </>
      )}
      {isEditable ? (
        <NoteField auditId={auditId} unitId={node.id} storedNote={answer?.note ?? ''} />
      ) : (
        // A sealed audit shows what was noted as text; an empty box would only look like something to fill in.
        answer?.note.trim() && (
          <div className="field">
            <span className="field__label">{t('scoring.note')}</span>
            <p className="note-text" data-testid={`note-${node.id}`}>
              {answer.note}
            </p>
          </div>
        )
      )}
      <PhotoStrip
        auditId={auditId}
        unitId={node.id}
        photoIds={answer?.photoIds ?? []}
        isEditable={isEditable}
      />
    </article>
  );
}, isSameCard);
