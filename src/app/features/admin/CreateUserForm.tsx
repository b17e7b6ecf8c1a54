import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSWORD_LENGTH, newUserSchema, roleSchema, type Role } from '../../../domain/wire';
import type { AdminApi } from './admin-api';
import { ActionStatusLine, type ActionStatus } from './FailureMessage';
import { firstIssueByField } from './form-issues';
import { SiteChecklist, type ServerSite } from './SiteChecklist';
import { TextField } from './TextField';

const userFields = ['username', 'displayName', 'role', 'password', 'siteKeys'] as const;
type UserField = (typeof userFields)[number];
const isUserField = (field: string): field is UserField => userFields.some((f) => f === field);

/** A new account, checked with the server's own schema before it is sent. */
export function CreateUserForm({
  api,
  sites,
  onCreated,
}: {
  api: AdminApi;
  sites: readonly ServerSite[];
  onCreated: () => void;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('auditor');
  const [password, setPassword] = useState('');
  const [siteKeys, setSiteKeys] = useState<string[]>([]);
  const [problems, setProblems] = useState<ReadonlyMap<string, string>>(new Map());
  const [status, setStatus] = useState<ActionStatus>({ kind: 'idle' });
  const [isSending, setSending] = useState(false);

  const errorOf = (field: UserField): string | undefined =>
    problems.has(field) ? t(`admin.users.invalid.${field}`, { min: MIN_PASSWORD_LENGTH }) : undefined;

  const submit = async () => {
    const parsed = newUserSchema.safeParse({
      username,
      displayName,
      role,
      password,
      ...(role === 'site-manager' ? { siteKeys } : {}),
    });
    const found = new Map(parsed.success ? [] : firstIssueByField(parsed.error.issues));
    if (role === 'site-manager' && siteKeys.length === 0 && !found.has('siteKeys'))
      found.set('siteKeys', t('admin.users.siteManagerNeedsSite'));
    setProblems(found);
    if (!parsed.success || found.size > 0) {
      setStatus({ kind: 'idle' });
      return;
    }
    setSending(true);
    setStatus({ kind: 'idle' });
    const created = await api.createUser(parsed.data);
    setSending(false);
    if (!created.ok) {
      setStatus({ kind: 'failed', failure: created });
      return;
    }
    setStatus({
      kind: 'done',
      message: t('admin.users.created', {
        name: created.value.username,
        role: t(`admin.roles.${created.value.role}`),
      }),
    });
    setUsername('');
    setDisplayName('');
    setPassword('');
    setSiteKeys([]);
    onCreated();
  };

  const unknownProblem = [...problems.keys()].some((field) => !isUserField(field));
  return (
    <form
      className="form"
      noValidate
      aria-labelledby="admin-create-user-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      data-testid="admin-create-user"
    >
      <h3 id="admin-create-user-title">{t('admin.users.create')}</h3>
      <TextField
        label={t('admin.users.username')}
        value={username}
        onChange={setUsername}
        error={errorOf('username')}
        detail={problems.get('username')}
        testId="admin-user-username"
      />
      <TextField
        label={t('admin.users.displayName')}
        value={displayName}
        onChange={setDisplayName}
        error={errorOf('displayName')}
        detail={problems.get('displayName')}
        testId="admin-user-display-name"
      />
      <fieldset className="fieldset">
        <legend>{t('admin.users.role')}</legend>
        {roleSchema.options.map((option) => (
          <label key={option} className="choice-row">
            <input
              type="radio"
              name="admin-user-role"
              checked={role === option}
              onChange={() => {
                setRole(option);
              }}
              data-testid={`admin-user-role-${option}`}
            />{' '}
            {t(`admin.roles.${option}`)}
          </label>
        ))}
      </fieldset>
      <TextField
        label={t('admin.users.password', { min: MIN_PASSWORD_LENGTH })}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        error={errorOf('password')}
        detail={problems.get('password')}
        testId="admin-user-password"
      />
      {role === 'site-manager' && (
        <SiteChecklist
          sites={sites}
          chosen={siteKeys}
          onChange={setSiteKeys}
          legend={t('admin.users.pickSites')}
          error={
            problems.get('siteKeys') === t('admin.users.siteManagerNeedsSite')
              ? problems.get('siteKeys')
              : errorOf('siteKeys')
          }
          testId="admin-user-sites"
        />
      )}
      {unknownProblem && (
        <p className="field__error" role="alert">
          {t('admin.users.invalid.form')}
        </p>
      )}
      <div className="sheet-actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={isSending}
          data-testid="admin-user-create"
        >
          {t('admin.users.create')}
        </button>
      </div>
      <ActionStatusLine status={status} testId="admin-user-create-status" />
    </form>
  );
}
