import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useId, useRef } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { answerSchema } from '../../../domain/index';
import { StorageError } from '../../../storage/storage-error';
import { CharCount, tooLongBy } from '../../components/CharCount';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

// The form holds any text (a too-long note stays on screen); the limit is checked before anything is written.
const noteFormSchema = z.object({ note: z.string() });
const NOTE_MAX = answerSchema.shape.note.maxLength ?? 4000;
type NoteForm = z.infer<typeof noteFormSchema>;

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
export function NoteField({ auditId, unitId, storedNote }: NoteFieldProps) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const id = useId();
  const { register, watch, setValue, getValues } = useForm<NoteForm>({
    resolver: zodResolver(noteFormSchema),
    mode: 'onChange',
    defaultValues: { note: storedNote },
  });
  const savedRef = useRef(storedNote);
  const focusedRef = useRef(false);
  const isRefusedRef = useRef(false);

  const flush = useRef<() => void>(() => undefined);
  flush.current = () => {
    const note = getValues('note');
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
  };

  const note = watch('note');
  useEffect(() => {
    if (note !== savedRef.current || isRefusedRef.current) flush.current();
  }, [note]);

  // Another tab (or a retry) changed the stored note: show it unless this field is being edited.
  useEffect(() => {
    if (!focusedRef.current && getValues('note') === savedRef.current && storedNote !== savedRef.current) {
      savedRef.current = storedNote;
      setValue('note', storedNote);
    }
  }, [storedNote, getValues, setValue]);

  useEffect(() => {
    const onHide = () => {
      flush.current();
    };
    window.addEventListener('pagehide', onHide);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      document.removeEventListener('visibilitychange', onHide);
      flush.current();
    };
  }, []);

  const field = register('note');
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
        {...field}
        onFocus={() => (focusedRef.current = true)}
        onBlur={(e) => {
          focusedRef.current = false;
          void field.onBlur(e);
          flush.current();
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
}
