import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { z } from 'zod';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';

const amendSchema = z.object({ reason: z.string().trim().min(1).max(1000) });
type AmendFormValues = z.infer<typeof amendSchema>;

/** Correcting a finalised audit makes a new revision; the finalised one is never touched. */
export function AmendForm({ auditId }: { auditId: string }) {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const { register, handleSubmit, formState } = useForm<AmendFormValues>({
    resolver: zodResolver(amendSchema),
    defaultValues: { reason: '' },
  });

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
        />
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
