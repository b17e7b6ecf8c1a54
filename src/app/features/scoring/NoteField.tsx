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
const SAVE_DELAY_MS = 300;

interface NoteFieldProps {
  readonly auditId: string;
  readonly unitId: string;
  readonly storedNote: string;
  readonly isEditable: boolean;
}

/**
 * The typed text stays in the field until the store confirms it; saves shortly after typing stops,
 * on blur, and when the page is hidden, so no keystroke is lost to a closed tab.
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
  const timerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useRef<() => void>(() => undefined);
  flush.current = () => {
    clearTimeout(timerRef.current);
    const note = getValues('note');
    if (note === savedRef.current || !noteFormSchema.safeParse({ note }).success) return;
    void track(`note:${auditId}:${unitId}`, () => store.saveNote(auditId, unitId, note)).then((saved) => {
      if (saved) savedRef.current = saved.note;
    });
  };

  const note = watch('note');
  useEffect(() => {
    if (note === savedRef.current) return;
    timerRef.current = setTimeout(() => {
      flush.current();
    }, SAVE_DELAY_MS);
    return () => {
      clearTimeout(timerRef.current);
    };
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
