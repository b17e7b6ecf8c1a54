import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  figureRefusal,
  metricEarnedH,
  readFigure,
  toHundredths,
  type Answer,
  type FigureProblem,
  type FigureRefusal,
  type RubricNode,
} from '../../../../../domain/index';
import { formatPoints } from '../../../../format';
import { useSaveTracker } from '../../../../providers/save-tracker';
import { useStore } from '../../../../providers/store-provider';
import { MetricRule } from './MetricRule';

interface MetricFieldProps {
  readonly auditId: string;
  readonly node: RubricNode;
  readonly answer: Answer | undefined;
  readonly isEditable: boolean;
}

type Reading = { ok: true; value: number } | { ok: false; problem: FigureProblem | FigureRefusal };

function readFor(node: RubricNode, text: string): Reading {
  const read = readFigure(text);
  if (!read.ok) return read;
  const refusal = figureRefusal(node, read.value);
  return refusal === undefined ? read : { ok: false, problem: refusal };
}

/**
 * A metric unit's form control (kind "metric"): the month's figure in the unit's own unit, its rule, and the points
 * it earns, worked out as the figure is typed. It is saved when the field is left or Enter is pressed; a figure
 * the rule refuses is never saved and the last saved one stays.
 */
export function MetricField({ auditId, node, answer, isEditable }: MetricFieldProps) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const inputId = useId();
  const stored = answer?.figure === undefined ? '' : String(answer.figure);
  // What is typed, and once saved, the figure it was saved as: the draft stays shown until the stored answer
  // (a live query, a moment later) catches up, so the field never blinks back to the old figure.
  const [draft, setDraft] = useState<{ text: string; savedAs?: number | null }>();
  const [failed, setFailed] = useState(false);
  const isSettled = draft?.savedAs !== undefined && draft.savedAs === (answer?.figure ?? null);
  const text = draft === undefined || isSettled ? stored : draft.text;
  const reading = text.trim() === '' ? undefined : readFor(node, text);
  const pointsH = toHundredths(node.points);
  const earnedH =
    reading?.ok === true && node.rule !== undefined
      ? metricEarnedH(
          node.rule,
          pointsH,
          toHundredths(reading.value),
          node.target === undefined ? undefined : toHundredths(node.target),
        )
      : undefined;

  const save = async (typed: string, figure: number | undefined) => {
    if (figure === answer?.figure) {
      setDraft(undefined);
      return;
    }
    const saved = await track(`figure:${auditId}:${node.id}`, () =>
      store.saveFigure(auditId, node.id, figure),
    );
    setFailed(!saved);
    if (saved) setDraft({ text: typed, savedAs: figure ?? null });
  };
  const commit = () => {
    if (draft === undefined || isSettled) return;
    if (draft.text.trim() === '') void save(draft.text, undefined);
    else if (reading?.ok === true) void save(draft.text, reading.value);
  };

  return (
    <div className="field metric" data-testid={`metric-${node.id}`}>
      <label htmlFor={inputId} className="field__label">
        {t('metric.figure', { unit: node.unit ?? '' })}
      </label>
      <input
        id={inputId}
        className="metric__input"
        inputMode="decimal"
        autoComplete="off"
        value={text}
        disabled={!isEditable}
        aria-invalid={reading?.ok === false}
        aria-describedby={`${inputId}-rule`}
        data-testid={`figure-${node.id}`}
        onChange={(event) => {
          setDraft({ text: event.target.value });
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
      />
      <MetricRule id={`${inputId}-rule`} node={node} />
      <p className="metric__earned" data-testid={`figure-earned-${node.id}`} aria-live="polite">
        {earnedH === undefined
          ? t('metric.notEntered')
          : t('metric.earned', { earned: formatPoints(earnedH), points: formatPoints(pointsH) })}
      </p>
      {reading?.ok === false && (
        <p className="field__error" role="alert" data-testid={`figure-error-${node.id}`}>
          {t(`metric.error.${reading.problem}`)}
        </p>
      )}
      {failed && (
        <p className="field__error" role="alert">
          {t('save.failed')}
        </p>
      )}
    </div>
  );
}
