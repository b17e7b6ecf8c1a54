import { zodResolver } from '@hookform/resolvers/zod';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId } from 'react';
import { useForm, type FieldError } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { auditModeSchema } from '../../../domain/index';
import { toLocalInputValue } from '../../format';
import { useSaveTracker } from '../../providers/save-tracker';
import { useStore } from '../../providers/store-provider';
import type { RubricChoice } from '../../../storage/audit-store';
import { loadedShippedRubricEntries } from '../../shipped-rubrics';
import { CharCount } from '../../components/CharCount';
import { isFormErrorKey, limits, newAuditFormSchema, type NewAuditForm } from './new-audit-form';
import { SiteOptions, SiteProposalNote } from './SiteOptions';

// Fetched before this screen opens (screens.ts), checked when the app was built.
const shipped = loadedShippedRubricEntries();
const shippedChoices: RubricChoice[] = shipped.map((s) => ({ ...s, publishedAt: undefined }));

export function NewAuditPage() {
  const { t } = useTranslation();
  const store = useStore();
  const { track } = useSaveTracker();
  const navigate = useNavigate();
  const sites = useLiveQuery(() => store.listSiteChoices(), [store]);
  // The newest version of each rubric the server published (and this app can score), else the shipped one.
  const rubrics = useLiveQuery(() => store.listRubricChoices(shipped), [store]) ?? shippedChoices;
  const rememberedAuditor = useLiveQuery(() => store.getRememberedAuditor(), [store]);
  const ids = useId();

  const form = useForm<NewAuditForm>({
    resolver: zodResolver(newAuditFormSchema),
    defaultValues: {
      rubricId: shipped[0]?.rubric.id ?? '',
      siteChoice: 'new',
      siteName: '',
      siteCode: '',
      siteRegion: '',
      auditor: '',
      auditedAt: toLocalInputValue(new Date()),
      mode: 'covert',
    },
  });
  const { register, handleSubmit, watch, setValue, formState } = form;

  useEffect(() => {
    if (rememberedAuditor && form.getValues('auditor') === '') setValue('auditor', rememberedAuditor);
  }, [rememberedAuditor, form, setValue]);
  useEffect(() => {
    const [first] = sites ?? [];
    if (first && form.getValues('siteChoice') === 'new' && !formState.isDirty)
      setValue('siteChoice', first.id);
  }, [sites, form, setValue, formState.isDirty]);

  const siteChoice = watch('siteChoice');
  const errorText = (error: FieldError | undefined) => {
    const key = error?.message;
    return key === undefined ? null : (
      <span className="field__error" role="alert">
        {isFormErrorKey(key) ? t(key) : key}
      </span>
    );
  };

  const onSubmit = handleSubmit(async (values) => {
    const rubric = rubrics.find((r) => r.rubric.id === values.rubricId)?.rubric;
    if (!rubric) return;
    const known = sites?.find((s) => s.id === values.siteChoice)?.site;
    const header = await track('create-audit', () =>
      store.createAudit({
        rubric,
        site: known ?? { name: values.siteName.trim(), code: values.siteCode, region: values.siteRegion },
        auditor: values.auditor,
        auditedAt: new Date(values.auditedAt).toISOString(),
        mode: values.mode,
      }),
    );
    if (header) await navigate(`/audits/${header.id}`);
  });

  return (
    <section aria-labelledby="new-title" className="page page--narrow">
      <h1 id="new-title">{t('newAudit.title')}</h1>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form">
        <label className="field">
          <span className="field__label">{t('newAudit.rubric')}</span>
          <select {...register('rubricId')} data-testid="rubric-select">
            {rubrics.map(({ rubric: r, fingerprint, publishedAt }) => (
              <option key={r.id} value={r.id} data-fingerprint={fingerprint}>
                {r.form} {r.title}
                {publishedAt ? ` · ${t('downSync.publishedAt', { date: publishedAt.slice(0, 10) })}` : ''}
              </option>
            ))}
          </select>
          {errorText(formState.errors.rubricId)}
        </label>

        <fieldset className="fieldset">
          <legend>{t('newAudit.site')}</legend>
          {sites && sites.length > 0 && (
            <label className="field">
              <span className="field__label">{t('newAudit.siteKnown')}</span>
              <select {...register('siteChoice')} data-testid="site-select">
                <SiteOptions sites={sites} />
                <option value="new">{t('newAudit.siteNew')}</option>
              </select>
            </label>
          )}
          <SiteProposalNote choice={sites?.find((s) => s.id === siteChoice)} />
          {siteChoice === 'new' && (
            <>
              <label className="field">
                <span className="field__label">{t('newAudit.siteName')}</span>
                <input
                  {...register('siteName')}
                  autoComplete="off"
                  data-testid="site-name"
                  aria-invalid={formState.errors.siteName ? true : undefined}
                />
                <CharCount value={watch('siteName')} max={limits.siteName} />
                {errorText(formState.errors.siteName)}
              </label>
              <div className="field-row">
                <label className="field">
                  <span className="field__label">{t('newAudit.siteCode')}</span>
                  <input {...register('siteCode')} autoComplete="off" />
                  {errorText(formState.errors.siteCode)}
                </label>
                <label className="field">
                  <span className="field__label">{t('newAudit.siteRegion')}</span>
                  <input {...register('siteRegion')} autoComplete="off" />
                  {errorText(formState.errors.siteRegion)}
                </label>
              </div>
            </>
          )}
          {errorText(formState.errors.siteChoice)}
        </fieldset>

        <label className="field">
          <span className="field__label">{t('newAudit.auditor')}</span>
          <input {...register('auditor')} autoComplete="name" data-testid="auditor" />
          {errorText(formState.errors.auditor)}
        </label>
        <label className="field">
          <span className="field__label">{t('newAudit.auditedAt')}</span>
          <input type="datetime-local" {...register('auditedAt')} data-testid="audited-at" />
          {errorText(formState.errors.auditedAt)}
        </label>
        <fieldset className="fieldset">
          <legend>{t('newAudit.mode')}</legend>
          <div className="choice-row">
            {auditModeSchema.options.map((mode) => (
              <label key={mode} className="choice" htmlFor={`${ids}-${mode}`}>
                <input id={`${ids}-${mode}`} type="radio" value={mode} {...register('mode')} />
                {t(`mode.${mode}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <button
          type="submit"
          className="button button--primary button--large"
          disabled={formState.isSubmitting}
          data-testid="start-audit"
        >
          {t('newAudit.start')}
        </button>
      </form>
    </section>
  );
}
