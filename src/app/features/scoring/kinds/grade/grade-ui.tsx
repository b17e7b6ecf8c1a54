import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gradeKeys, type Grade } from '../../../../../domain/index';
import { useSaveTracker } from '../../../../providers/save-tracker';
import { useStore } from '../../../../providers/store-provider';
import type { KindControl, KindControlProps, UnitKindUi } from '../unit-kind-ui';

/** The scale's buttons (符合 … 不符合, 不适用 where allowed); a tapped grade shows at once, pending until stored. */
function useGradeControl({ auditId, node, answer, allowNA, isEditable }: KindControlProps): KindControl {
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

  return {
    isAnswered: shown !== undefined,
    showsNA: shown === 'na',
    control: (
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
    ),
  };
}

export const gradeUi: UnitKindUi = { useControl: useGradeControl };
