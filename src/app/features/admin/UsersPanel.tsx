import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import {
  MIN_PASSWORD_LENGTH,
  passwordBodySchema,
  sitesBodySchema,
  type userSchema,
} from '../../../domain/wire';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatDateTime } from '../../format';
import type { AdminApi } from './admin-api';
import { CreateUserForm } from './CreateUserForm';
import { ActionStatusLine, FailureMessage, type ActionStatus } from './FailureMessage';
import { SiteChecklist, siteKeyLabel, type ServerSite } from './SiteChecklist';
import { TextField } from './TextField';
import { useApiLoad } from './use-api-load';

type User = z.infer<typeof userSchema>;
type Editing = { readonly userId: number; readonly what: 'password' | 'sites' } | undefined;

/** Accounts: who they are, their role in Chinese, a site manager's sites; create, disable, reset, set sites. */
export function UsersPanel({ api }: { api: AdminApi }) {
  const { t, i18n } = useTranslation();
  const [users, reloadUsers] = useApiLoad(useCallback(() => api.listUsers(), [api]));
  const [siteList] = useApiLoad(useCallback(() => api.listSites(), [api]));
  const [editing, setEditing] = useState<Editing>();
  const [disabling, setDisabling] = useState<User>();
  const [status, setStatus] = useState<ActionStatus>({ kind: 'idle' });
  const sites: readonly ServerSite[] = siteList.kind === 'ok' ? siteList.value.sites : [];

  const disable = async (user: User) => {
    setDisabling(undefined);
    setStatus({ kind: 'idle' });
    const result = await api.disableUser(user.id);
    setStatus(
      result.ok
        ? { kind: 'done', message: t('admin.users.disabled', { name: user.username }) }
        : { kind: 'failed', failure: result },
    );
    reloadUsers();
  };

  return (
    <section aria-labelledby="admin-users-title" className="dashboard__panel" data-testid="admin-users">
      <div className="page__head">
        <h2 id="admin-users-title">{t('admin.users.title')}</h2>
        <button type="button" className="button" onClick={reloadUsers} data-testid="admin-users-refresh">
          {t('admin.refresh')}
        </button>
      </div>
      <ActionStatusLine status={status} testId="admin-users-status" />
      {siteList.kind === 'failed' && (
        <FailureMessage failure={siteList.failure} testId="admin-users-sites-error" />
      )}
      {users.kind === 'loading' && <p className="loading">{t('admin.loading')}</p>}
      {users.kind === 'failed' && <FailureMessage failure={users.failure} testId="admin-users-error" />}
      {users.kind === 'ok' && users.value.users.length === 0 && <p>{t('admin.users.empty')}</p>}
      {users.kind === 'ok' && users.value.users.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="admin-users-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.users.username')}</th>
                <th scope="col">{t('admin.users.displayName')}</th>
                <th scope="col">{t('admin.users.role')}</th>
                <th scope="col">{t('admin.users.sites')}</th>
                <th scope="col">{t('admin.users.status')}</th>
                <th scope="col">{t('admin.users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.value.users.map((user) => (
                <tr key={user.id} data-testid={`admin-user-row-${user.username}`}>
                  <td>{user.username}</td>
                  <td>{user.displayName}</td>
                  <td data-testid="admin-user-role">{t(`admin.roles.${user.role}`)}</td>
                  <td data-testid="admin-user-sites">
                    {user.role === 'site-manager'
                      ? user.siteKeys.map((key) => siteKeyLabel(key, sites)).join('、') || t('admin.none')
                      : t('admin.none')}
                  </td>
                  <td data-testid="admin-user-status">
                    {user.disabledAt === null
                      ? t('admin.users.active')
                      : t('admin.users.disabledAt', { at: formatDateTime(user.disabledAt, i18n.language) })}
                  </td>
                  <td>
                    {user.disabledAt === null && (
                      <div className="admin-actions">
                        <button
                          type="button"
                          className="button button--small"
                          onClick={() => {
                            setDisabling(user);
                          }}
                          data-testid="admin-user-disable"
                        >
                          {t('admin.users.disable')}
                        </button>
                        <button
                          type="button"
                          className="button button--small"
                          aria-expanded={editing?.userId === user.id && editing.what === 'password'}
                          onClick={() => {
                            setEditing({ userId: user.id, what: 'password' });
                          }}
                          data-testid="admin-user-reset-password"
                        >
                          {t('admin.users.resetPassword')}
                        </button>
                        {user.role === 'site-manager' && (
                          <button
                            type="button"
                            className="button button--small"
                            aria-expanded={editing?.userId === user.id && editing.what === 'sites'}
                            onClick={() => {
                              setEditing({ userId: user.id, what: 'sites' });
                            }}
                            data-testid="admin-user-edit-sites"
                          >
                            {t('admin.users.editSites')}
                          </button>
                        )}
                      </div>
                    )}
                    {editing?.userId === user.id && editing.what === 'password' && (
                      <PasswordForm
                        api={api}
                        user={user}
                        onDone={(next) => {
                          setStatus(next);
                          if (next.kind === 'done') setEditing(undefined);
                        }}
                        onCancel={() => {
                          setEditing(undefined);
                        }}
                      />
                    )}
                    {editing?.userId === user.id && editing.what === 'sites' && (
                      <UserSitesForm
                        api={api}
                        user={user}
                        sites={sites}
                        onDone={(next) => {
                          setStatus(next);
                          if (next.kind === 'done') {
                            setEditing(undefined);
                            reloadUsers();
                          }
                        }}
                        onCancel={() => {
                          setEditing(undefined);
                        }}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {disabling && (
        <ConfirmDialog
          title={t('admin.users.disableTitle', { name: disabling.username })}
          confirmLabel={t('admin.users.disable')}
          cancelLabel={t('admin.cancel')}
          onConfirm={() => {
            void disable(disabling);
          }}
          onCancel={() => {
            setDisabling(undefined);
          }}
          testId="admin-disable-dialog"
        >
          <p>{t('admin.users.disableBody')}</p>
        </ConfirmDialog>
      )}
      <CreateUserForm api={api} sites={sites} onCreated={reloadUsers} />
    </section>
  );
}

function PasswordForm({
  api,
  user,
  onDone,
  onCancel,
}: {
  api: AdminApi;
  user: User;
  onDone: (status: ActionStatus) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = async () => {
    const parsed = passwordBodySchema.safeParse({ password });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? '');
      return;
    }
    setProblem(undefined);
    const result = await api.resetPassword(user.id, parsed.data.password);
    onDone(
      result.ok
        ? { kind: 'done', message: t('admin.users.passwordReset', { name: user.username }) }
        : { kind: 'failed', failure: result },
    );
  };
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      data-testid="admin-password-form"
    >
      <TextField
        label={t('admin.users.newPassword', { min: MIN_PASSWORD_LENGTH })}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        error={
          problem === undefined ? undefined : t('admin.users.invalid.password', { min: MIN_PASSWORD_LENGTH })
        }
        detail={problem}
        testId="admin-password-input"
      />
      <div className="sheet-actions">
        <button
          type="submit"
          className="button button--primary button--small"
          data-testid="admin-password-save"
        >
          {t('admin.save')}
        </button>
        <button type="button" className="button button--small" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

function UserSitesForm({
  api,
  user,
  sites,
  onDone,
  onCancel,
}: {
  api: AdminApi;
  user: User;
  sites: readonly ServerSite[];
  onDone: (status: ActionStatus) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string[]>([...user.siteKeys]);
  const [problem, setProblem] = useState<string>();
  const submit = async () => {
    const parsed = sitesBodySchema.safeParse({ siteKeys: chosen });
    if (!parsed.success || chosen.length === 0) {
      setProblem(parsed.success ? t('admin.users.siteManagerNeedsSite') : t('admin.users.invalid.siteKeys'));
      return;
    }
    setProblem(undefined);
    const result = await api.setUserSites(user.id, parsed.data.siteKeys);
    onDone(
      result.ok
        ? { kind: 'done', message: t('admin.users.sitesSaved', { name: user.username }) }
        : { kind: 'failed', failure: result },
    );
  };
  return (
    <form
      className="form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      data-testid="admin-user-sites-form"
    >
      <SiteChecklist
        sites={sites}
        chosen={chosen}
        onChange={setChosen}
        legend={t('admin.users.pickSites')}
        error={problem}
        testId="admin-user-sites-edit"
      />
      <div className="sheet-actions">
        <button
          type="submit"
          className="button button--primary button--small"
          data-testid="admin-user-sites-save"
        >
          {t('admin.save')}
        </button>
        <button type="button" className="button button--small" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}
