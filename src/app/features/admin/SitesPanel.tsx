import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { siteCodeSchema, siteInputSchema } from '../../../domain/wire';
import type { AdminApi } from './admin-api';
import { ActionStatusLine, FailureMessage, type ActionStatus } from './FailureMessage';
import { firstIssueByField } from './form-issues';
import { ProposalsPanel } from './ProposalsPanel';
import type { ServerSite } from './SiteChecklist';
import { TextField } from './TextField';
import { useApiLoad } from './use-api-load';

const siteFields = ['code', 'name', 'region', 'manager'] as const;
type SiteField = (typeof siteFields)[number];

/** Sites as tablets and site managers see them: list, add or change one, and the tablets' proposals. */
export function SitesPanel({ api }: { api: AdminApi }) {
  const { t } = useTranslation();
  const [siteList, reloadSites] = useApiLoad(useCallback(() => api.listSites(), [api]));
  const [editing, setEditing] = useState<ServerSite>();
  const sites = siteList.kind === 'ok' ? siteList.value.sites : [];
  return (
    <>
      <section aria-labelledby="admin-sites-title" className="dashboard__panel" data-testid="admin-sites">
        <div className="page__head">
          <h2 id="admin-sites-title">{t('admin.sites.title')}</h2>
          <button type="button" className="button" onClick={reloadSites} data-testid="admin-sites-refresh">
            {t('admin.refresh')}
          </button>
        </div>
        {siteList.kind === 'loading' && <p className="loading">{t('admin.loading')}</p>}
        {siteList.kind === 'failed' && (
          <FailureMessage failure={siteList.failure} testId="admin-sites-error" />
        )}
        {siteList.kind === 'ok' && sites.length === 0 && <p>{t('admin.sites.empty')}</p>}
        {sites.length > 0 && (
          <div className="table-scroll">
            <table className="data-table" data-testid="admin-sites-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.sites.code')}</th>
                  <th scope="col">{t('admin.sites.name')}</th>
                  <th scope="col">{t('admin.sites.region')}</th>
                  <th scope="col">{t('admin.sites.manager')}</th>
                  <th scope="col">{t('admin.sites.status')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {sites.map((site) => (
                  <tr key={site.code} data-testid={`admin-site-row-${site.code}`}>
                    <td>{site.code}</td>
                    <td>{site.name}</td>
                    <td>{site.region || t('admin.none')}</td>
                    <td>{site.manager ?? t('admin.none')}</td>
                    <td>{site.active ? t('admin.sites.active') : t('admin.sites.inactive')}</td>
                    <td>
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                          setEditing(site);
                        }}
                        data-testid="admin-site-edit"
                      >
                        {t('admin.sites.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <SiteForm
          key={editing?.code ?? ''}
          api={api}
          editing={editing}
          onNew={() => {
            setEditing(undefined);
          }}
          onSaved={reloadSites}
        />
      </section>
      <ProposalsPanel api={api} sites={sites} onDecided={reloadSites} />
    </>
  );
}

function SiteForm({
  api,
  editing,
  onNew,
  onSaved,
}: {
  api: AdminApi;
  editing: ServerSite | undefined;
  onNew: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [code, setCode] = useState(editing?.code ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [region, setRegion] = useState(editing?.region ?? '');
  const [manager, setManager] = useState(editing?.manager ?? '');
  const [isActive, setActive] = useState(editing?.active ?? true);
  const [problems, setProblems] = useState<ReadonlyMap<string, string>>(new Map());
  const [status, setStatus] = useState<ActionStatus>({ kind: 'idle' });

  const submit = async () => {
    const parsedCode = siteCodeSchema.safeParse(code);
    // An empty manager is "nobody", as the schema spells it (null), not an empty name.
    const parsedSite = siteInputSchema.safeParse({
      name,
      region,
      manager: manager.trim() === '' ? null : manager,
      active: isActive,
    });
    const found = new Map(parsedSite.success ? [] : firstIssueByField(parsedSite.error.issues));
    if (!parsedCode.success) found.set('code', parsedCode.error.issues[0]?.message ?? '');
    setProblems(found);
    if (!parsedCode.success || !parsedSite.success) {
      setStatus({ kind: 'idle' });
      return;
    }
    setStatus({ kind: 'idle' });
    const saved = await api.putSite(parsedCode.data, parsedSite.data);
    if (!saved.ok) {
      setStatus({ kind: 'failed', failure: saved });
      return;
    }
    setStatus({ kind: 'done', message: t('admin.sites.saved', { code: saved.value.code }) });
    onSaved();
  };
  const errorOf = (field: SiteField) => (problems.has(field) ? t(`admin.sites.invalid.${field}`) : undefined);
  const unknownProblem = [...problems.keys()].some((field) => !siteFields.some((f) => f === field));

  return (
    <form
      className="form"
      noValidate
      aria-labelledby="admin-site-form-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      data-testid="admin-site-form"
    >
      <h3 id="admin-site-form-title">
        {editing ? t('admin.sites.formEdit', { code: editing.code }) : t('admin.sites.formAdd')}
      </h3>
      {editing && (
        <button type="button" className="button button--small" onClick={onNew}>
          {t('admin.sites.newSite')}
        </button>
      )}
      <TextField
        label={t('admin.sites.code')}
        value={code}
        onChange={setCode}
        error={errorOf('code')}
        detail={problems.get('code')}
        testId="admin-site-code"
      />
      <p className="subtitle">{t('admin.sites.codeHint')}</p>
      <TextField
        label={t('admin.sites.name')}
        value={name}
        onChange={setName}
        error={errorOf('name')}
        detail={problems.get('name')}
        testId="admin-site-name"
      />
      <TextField
        label={t('admin.sites.region')}
        value={region}
        onChange={setRegion}
        error={errorOf('region')}
        detail={problems.get('region')}
        testId="admin-site-region"
      />
      <TextField
        label={t('admin.sites.manager')}
        value={manager}
        onChange={setManager}
        error={errorOf('manager')}
        detail={problems.get('manager')}
        testId="admin-site-manager"
      />
      <label className="choice-row">
        <input
          type="checkbox"
          checked={isActive}
          onChange={(event) => {
            setActive(event.target.checked);
          }}
          data-testid="admin-site-active"
        />{' '}
        {t('admin.sites.activeLabel')}
      </label>
      {unknownProblem && (
        <p className="field__error" role="alert">
          {t('admin.sites.invalid.form')}
        </p>
      )}
      <div className="sheet-actions">
        <button type="submit" className="button button--primary" data-testid="admin-site-save">
          {t('admin.save')}
        </button>
      </div>
      <ActionStatusLine status={status} testId="admin-site-status" />
    </form>
  );
}
