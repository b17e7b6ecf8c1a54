import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Answer, NodeScore, RubricNode } from '../../../domain/index';
import { formatPoints } from '../../format';
import { NoteField } from './NoteField';
import { PhotoStrip } from './PhotoStrip';
import { uiOf } from './kinds/unit-kind-uis';

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
  // The unit's kind owns its control: a figure for a metric, the scale's buttons otherwise (kinds/unit-kind-uis.ts).
  const { isAnswered, showsNA, control } = uiOf(node).useControl({
    auditId,
    node,
    answer,
    allowNA,
    isEditable,
  });

  return (
    <article
      className={`unit ${isAnswered ? '' : 'unit--ungraded'}`}
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
            : showsNA
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
      {control}
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
