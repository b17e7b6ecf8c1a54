import { memo, useCallback, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { answerSchema } from '../../../domain/index';
import { StorageError } from '../../../storage/storage-error';
import { CharCount, tooLongBy } from '../../components/CharCount';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';
import { useNoteDraft } from './note-drafts';

// The field holds any text (a too-long note stays on screen); the limit is checked before anything is written.
const NOTE_MAX = answerSchema.shape.note.maxLength ?? 4000;

interface NoteFieldProps {
  readonly auditId: string;
  readonly unitId: string;
  readonly storedNote: string;
}

/**
 * The typed text stays in the field until the store confirms it. Every change is written at once (a
 * small row; IndexedDB runs the writes in order, so the last one wins): a debounce would leave a window
 * in which a closed tab or a killed browser loses what was just typed, with the status saying 已保存.
 */
export const NoteField = memo(function NoteField({ auditId, unitId, storedNote }: NoteFieldProps) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const id = useId();
  // The page's one form state (note-drafts.ts) holds the text, not a form instance per field.
  const { note, current, setNote } = useNoteDraft(unitId, storedNote);
  const savedRef = useRef(storedNote);
  const focusedRef = useRef(false);
  const isRefusedRef = useRef(false);

  const flush = useCallback(() => {
    const note = current();
    // After a refused too-long note, even going back to the stored text is written once: it clears the refusal.
    if (note === savedRef.current && !isRefusedRef.current) return;
    const over = tooLongBy(note, NOTE_MAX);
    isRefusedRef.current = over > 0;
    if (over > 0) {
      // Not written, and not hidden either: it counts as an unsaved input (未保存, blocks 定稿) until shortened.
      const message = t('limits.tooLong', { field: t('limits.note'), max: NOTE_MAX, over });
      void track(`note:${auditId}:${unitId}`, () => Promise.reject(new StorageError('invalid', message)));
      return;
    }
    void track(`note:${auditId}:${unitId}`, () => store.saveNote(auditId, unitId, note)).then((saved) => {
      if (saved) savedRef.current = saved.note;
    });
  }, [auditId, unitId, current, store, t, track]);

  useEffect(() => {
    if (note !== savedRef.current || isRefusedRef.current) flush();
  }, [note, flush]);

  // Another tab (or a retry) changed the stored note: show it unless this field is being edited.
  useEffect(() => {
    if (!focusedRef.current && current() === savedRef.current && storedNote !== savedRef.current) {
      savedRef.current = storedNote;
      setNote(storedNote);
    }
  }, [storedNote, current, setNote]);

  useEffect(() => {
    const onHide = () => {
      flush();
    };
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onHide);
      flush();
    };
  }, [flush]);

  const over = tooLongBy(note, NOTE_MAX);
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t('scoring.note')}
      </label>
      <textarea
        id={id}
        rows={2}
        placeholder={t('scoring.notePlaceholder')}
        data-testid={`note-${unitId}`}
        aria-invalid={over > 0 ? true : undefined}
        aria-describedby={`${id}-count`}
        value={note}
        onChange={(e) => {
          setNote(e.target.value);
        }}
        onFocus={() => (focusedRef.current = true)}
        onBlur={() => {
          focusedRef.current = false;
          flush();
        }}
      />
      <CharCount value={note} max={NOTE_MAX} id={`${id}-count`} />
      {over > 0 && (
        <span className="field__error" role="alert" data-testid={`note-error-${unitId}`}>
          {t('limits.tooLong', { field: t('limits.note'), max: NOTE_MAX, over })}
        </span>
      )}
    </div>
  );
});
