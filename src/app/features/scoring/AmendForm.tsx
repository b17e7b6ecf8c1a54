import { zodResolver } from '@hookform/resolvers/zod';
import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { z } from 'zod';
import { CharCount, tooLongBy } from '../../components/CharCount';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

const REASON_MAX = 1000;
const amendSchema = z.object({
  reason: z.string().trim().min(1, 'required').max(REASON_MAX, 'tooLong'),
});
type AmendFormValues = z.infer<typeof amendSchema>;

/** Correcting a finalised audit makes a new revision; the finalised one is never touched. */
export function AmendForm({ auditId }: { auditId: string }) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const navigate = useNavigate();
  const errorId = useId();
  const [open, setOpen] = useState(false);
  const { register, handleSubmit, formState, watch } = useForm<AmendFormValues>({
    resolver: zodResolver(amendSchema),
    defaultValues: { reason: '' },
  });

  const reason = watch('reason');
  if (!open) {
    return (
      <button
        type="button"
        className="button"
        onClick={() => {
          setOpen(true);
        }}
        data-testid="amend"
      >
        {t('scoring.amend')}
      </button>
    );
  }
  const onSubmit = handleSubmit(async ({ reason }) => {
    const next = await track(`amend:${auditId}`, () => store.amend(auditId, reason));
    if (next) await navigate(`/audits/${next.id}`);
  });
  return (
    <form className="form form--inline" onSubmit={(e) => void onSubmit(e)} noValidate>
      <label className="field">
        <span className="field__label">{t('scoring.amendReason')}</span>
        <input
          {...register('reason')}
          data-testid="amend-reason"
          aria-invalid={formState.errors.reason ? true : undefined}
          aria-describedby={formState.errors.reason ? errorId : undefined}
        />
        <CharCount value={reason} max={REASON_MAX} />
        {formState.errors.reason && (
          <span className="field__error" role="alert" id={errorId} data-testid="amend-error">
            {formState.errors.reason.message === 'tooLong'
              ? t('limits.tooLong', { field: t('limits.amendReason'), max: REASON_MAX, over: tooLongBy(reason.trim(), REASON_MAX) })
              : t('scoring.amendReasonRequired')}
          </span>
        )}
      </label>
      <button type="submit" className="button button--primary" data-testid="amend-confirm">
        {t('scoring.amendConfirm')}
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          setOpen(false);
        }}
      >
        {t('scoring.cancel')}
      </button>
    </form>
  );
}
