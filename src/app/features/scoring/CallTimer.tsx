import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { secondsText, summarizeCallTiming, type CallTiming, type TimedUnit } from '../../../domain/index';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

const sameTiming = (a: CallTiming | undefined, b: CallTiming | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** Seconds since an instant, for the running display (the stored record keeps the instants themselves). */
const since = (iso: string, nowMs: number): string => secondsText(Math.max(0, nowMs - Date.parse(iso)));

/**
 * The mystery caller's stopwatch for a timed unit (KF01 3, 铃响三声内接听): tap 拨出, 接通, 挂断 and count the
 * rings; each tap is stored with the unit's answer at once. It shows the threshold and never grades.
 */
export function CallTimer({
  auditId,
  unit,
  timing,
  isEditable,
}: {
  auditId: string;
  unit: TimedUnit;
  timing: CallTiming | undefined;
  isEditable: boolean;
}) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  // Taps follow each other faster than the stored answer comes back: each builds on the last one tapped, and
  // a stored value arriving while a later tap is still being written does not undo that tap on screen.
  const [shown, setShown] = useState(timing);
  const [stored, setStored] = useState(timing);
  const [writing, setWriting] = useState(0);
  if (!sameTiming(stored, timing)) {
    setStored(timing);
    if (writing === 0) setShown(timing);
  }
  const [nowMs, setNow] = useState(() => Date.now());
  const isRunning = shown?.dialledAt !== undefined && shown.hungUpAt === undefined;
  useEffect(() => {
    if (!isRunning) return;
    const timer = setInterval(() => {
      setNow(Date.now());
    }, 100);
    return () => {
      clearInterval(timer);
    };
  }, [isRunning]);

  const save = (next: CallTiming | undefined) => {
    setShown(next);
    setWriting((n) => n + 1);
    void track(`timing:${auditId}:${unit.unitId}`, () =>
      store.saveTiming(auditId, unit.unitId, next),
    ).finally(() => {
      setWriting((n) => n - 1);
    });
  };
  const stamp = (change: (now: string) => Partial<CallTiming>) => {
    const now = new Date().toISOString();
    setNow(Date.parse(now));
    save({ version: 1, ...shown, ...change(now) });
  };

  const summary = shown ? summarizeCallTiming(shown, unit) : undefined;
  const lines: string[] = [];
  if (shown?.dialledAt && shown.answeredAt === undefined && isRunning)
    lines.push(t('callTimer.ringing', { seconds: since(shown.dialledAt, nowMs) }));
  if (shown?.answeredAt && isRunning)
    lines.push(t('callTimer.talking', { seconds: since(shown.answeredAt, nowMs) }));
  if (summary?.answerMs != null)
    lines.push(t('callTimer.answerTime', { seconds: secondsText(summary.answerMs) }));
  if (summary?.callMs != null)
    lines.push(t('callTimer.callLength', { seconds: secondsText(summary.callMs) }));
  if (summary?.unansweredMs != null)
    lines.push(t('callTimer.unanswered', { seconds: secondsText(summary.unansweredMs) }));
  if (summary?.rings != null)
    lines.push(
      t('callTimer.rings', { count: summary.rings }) +
        (summary.isOverRings ? `(${t('callTimer.overRings', { max: unit.maxRings })})` : ''),
    );

  return (
    <section className="call-timer" aria-labelledby={`call-timer-${unit.unitId}`} data-testid="call-timer">
      <h4 id={`call-timer-${unit.unitId}`}>{t('callTimer.title')}</h4>
      <p className="subtitle">{t('callTimer.threshold', { max: unit.maxRings })}</p>
      {isEditable && (
        <div className="sheet-actions">
          <button
            type="button"
            className="button"
            disabled={shown?.dialledAt !== undefined}
            onClick={() => {
              stamp((now) => ({ dialledAt: now }));
            }}
            data-testid="call-dial"
          >
            {t('callTimer.dial')}
          </button>
          <button
            type="button"
            className="button"
            disabled={!isRunning || shown.answeredAt !== undefined}
            onClick={() => {
              stamp((now) => ({ answeredAt: now }));
            }}
            data-testid="call-answer"
          >
            {t('callTimer.answer')}
          </button>
          <button
            type="button"
            className="button"
            disabled={!isRunning}
            onClick={() => {
              stamp((now) => ({ hungUpAt: now }));
            }}
            data-testid="call-hangup"
          >
            {t('callTimer.hangUp')}
          </button>
          <button
            type="button"
            className="button button--ghost"
            onClick={() => {
              save({ version: 1, ...shown, rings: (shown?.rings ?? 0) + 1 });
            }}
            data-testid="call-ring"
          >
            {t('callTimer.ring')}
          </button>
          <button
            type="button"
            className="button button--ghost"
            disabled={!shown?.rings}
            onClick={() => {
              save({ version: 1, ...shown, rings: Math.max(0, (shown?.rings ?? 0) - 1) });
            }}
            data-testid="call-unring"
          >
            {t('callTimer.unring')}
          </button>
          <button
            type="button"
            className="button button--ghost"
            disabled={shown === undefined}
            onClick={() => {
              save(undefined);
            }}
            data-testid="call-clear"
          >
            {t('callTimer.clear')}
          </button>
        </div>
      )}
      <p role="status" data-testid="call-summary">
        {lines.length === 0 ? t('callTimer.none') : lines.join(';')}
      </p>
    </section>
  );
}
