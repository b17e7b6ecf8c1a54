import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useId, useRef } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { answerSchema } from '../../../domain/index';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

const noteFormSchema = z.object({ note: answerSchema.shape.note });
type NoteForm = z.infer<typeof noteFormSchema>;

interface NoteFieldProps {
  readonly auditId: string;
  readonly unitId: string;
  readonly storedNote: string;
  readonly isEditable: boolean;
}

/**
 * The typed text stays in the field until the store confirms it. Every change is written at once (a
 * small row; IndexedDB runs the writes in order, so the last one wins): a debounce would leave a window
 * in which a closed tab or a killed browser loses what was just typed, with the status saying 已保存.
 */
export function NoteField({ auditId, unitId, storedNote, isEditable }: NoteFieldProps) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const id = useId();
  const { register, watch, setValue, getValues, formState } = useForm<NoteForm>({
    resolver: zodResolver(noteFormSchema),
    mode: 'onChange',
    defaultValues: { note: storedNote },
  });
  const savedRef = useRef(storedNote);
  const focusedRef = useRef(false);

  const flush = useRef<() => void>(() => undefined);
  flush.current = () => {
    const note = getValues('note');
    if (note === savedRef.current || !noteFormSchema.safeParse({ note }).success) return;
    void track(`note:${auditId}:${unitId}`, () => store.saveNote(auditId, unitId, note)).then((saved) => {
      if (saved) savedRef.current = saved.note;
    });
  };

  const note = watch('note');
  useEffect(() => {
    if (note !== savedRef.current) flush.current();
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
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {t('scoring.note')}
      </label>
      <textarea
        id={id}
        rows={2}
        readOnly={!isEditable}
        placeholder={isEditable ? t('scoring.notePlaceholder') : ''}
        data-testid={`note-${unitId}`}
        {...field}
        onFocus={() => (focusedRef.current = true)}
        onBlur={(e) => {
          focusedRef.current = false;
          void field.onBlur(e);
          flush.current();
        }}
      />
      {formState.errors.note && (
        <span className="field__error" role="alert">
          {formState.errors.note.message}
        </span>
      )}
    </div>
  );
}
