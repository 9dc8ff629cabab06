/**
 * The people who use Backstop (用户管理): each one's username, name, role, bank or guarantor, and
 * whether they may sign in. A manager adds a person (UserForm), disables one who left — asked
 * first; they are signed out at once and their API tokens stop working — or enables them again,
 * sets a new password for one who forgot theirs, and sets where a person's notification mails go
 * and how often. An auditor reads the list.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  institutionName,
  NOTIFY_PREFERENCES,
  setUserDisabled,
  setUserNotifications,
  setUserPassword,
  useInstitutions,
  USERS_KEY,
  useUsers,
} from '../api/accounts';
import type { ApiError } from '../api/client';
import type { Institution, NotifyPreference, UserAccount } from '../api/types';
import { useAuth } from '../auth/auth';
import { Field } from '../components/Field';
import { Loading, ProblemMessage } from '../components/Problem';
import { asApiError, splitErrors, type Notice } from './forms';
import { UserForm } from './UserForm';

export default function UsersPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const users = useUsers();
  const banks = useInstitutions('bank');
  const guarantors = useInstitutions('guarantor');
  const [adding, setAdding] = useState(false);
  // The notice is translated when shown: switching the language translates it too.
  const [notice, setNotice] = useState<Notice | null>(null);
  if (users.isPending) return <Loading />;
  if (users.error) return <ProblemMessage error={users.error} />;
  const manager = user?.role === 'manager';
  const enabled = users.data.filter((u) => !u.disabled).length;

  return (
    <>
      <h1>{t('users.title')}</h1>
      <p className="muted">{manager ? t('users.intro') : t('users.introReadOnly')}</p>
      {notice && (
        <p className="ok-box" role="status" data-testid="users-notice">
          {t(notice.key, notice.values)}
        </p>
      )}
      {manager && !adding && (
        <p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              setNotice(null);
              setAdding(true);
            }}
          >
            {t('users.add')}
          </button>
        </p>
      )}
      {manager && adding && (
        <UserForm
          banks={banks.data?.items ?? []}
          guarantors={guarantors.data?.items ?? []}
          onCancel={() => setAdding(false)}
          onCreated={(u) => {
            setAdding(false);
            setNotice({ key: 'users.added', values: { username: u.username } });
          }}
        />
      )}
      <h2>{t('users.listTitle', { count: users.data.length, enabled })}</h2>
      <table data-testid="users" className="users-table stack">
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.displayName')}</th>
            <th>{t('users.role')}</th>
            <th>{t('users.institution')}</th>
            <th>{t('users.state')}</th>
            {manager && <th>{t('users.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {users.data.map((u) => (
            <UserRow
              key={u.id}
              u={u}
              self={u.id === user?.id}
              manager={manager}
              banks={banks.data?.items}
              guarantors={guarantors.data?.items}
              onStart={() => setNotice(null)}
              onDone={setNotice}
            />
          ))}
          {!users.data.length && (
            <tr>
              <td colSpan={manager ? 6 : 5} className="muted">
                {t('common.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}

type RowMode = 'idle' | 'confirm-disable' | 'password' | 'mail';

function UserRow({
  u,
  self,
  manager,
  banks,
  guarantors,
  onStart,
  onDone,
}: {
  u: UserAccount;
  self: boolean;
  manager: boolean;
  banks: Institution[] | undefined;
  guarantors: Institution[] | undefined;
  onStart: () => void;
  onDone: (notice: Notice) => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [mode, setModeNow] = useState<RowMode>('idle');
  // Starting something on a row: the notice of the last thing done goes.
  const setMode = (m: RowMode) => {
    if (m !== 'idle') onStart();
    setModeNow(m);
  };
  const toggle = useMutation({
    mutationFn: (disabled: boolean) => setUserDisabled(u.id, disabled),
    onSuccess: (after) => {
      qc.setQueryData<UserAccount[]>(USERS_KEY, (list) => list?.map((x) => (x.id === after.id ? after : x)));
      void qc.invalidateQueries({ queryKey: USERS_KEY });
      setMode('idle');
      onDone({
        key: after.disabled ? 'users.disabledNotice' : 'users.enabledNotice',
        values: { username: after.username },
      });
    },
  });
  const toggleError = toggle.error ? asApiError(toggle.error) : null;

  const institution = u.bankId ? (
    <Link to={`/banks/${encodeURIComponent(u.bankId)}`}>{institutionName(banks, u.bankId, i18n.language)}</Link>
  ) : u.guarantorId ? (
    <Link to={`/guarantors/${encodeURIComponent(u.guarantorId)}`}>
      {institutionName(guarantors, u.guarantorId, i18n.language)}
    </Link>
  ) : (
    <span className="muted">—</span>
  );

  return (
    <>
      <tr data-username={u.username} data-disabled={u.disabled} className={u.disabled ? 'disabled-user' : undefined}>
        <td data-label={t('users.username')}>
          <span>
            <code>{u.username}</code>
            {self && <span className="muted"> {t('users.you')}</span>}
          </span>
        </td>
        <td data-label={t('users.displayName')}>{u.displayName}</td>
        <td data-label={t('users.role')}>{t(`role.${u.role}`, { defaultValue: u.role })}</td>
        <td data-label={t('users.institution')}>{institution}</td>
        <td data-label={t('users.state')}>
          <span className={`badge ${u.disabled ? 'bad' : 'active'}`} data-testid="user-state">
            {t(u.disabled ? 'users.disabled' : 'users.enabled')}
          </span>
        </td>
        {manager && (
          <td className="user-actions">
            {mode === 'confirm-disable' ? (
              <div
                className="confirm"
                role="group"
                aria-label={t('users.confirmDisableLabel', { username: u.username })}
              >
                <span>{t('users.confirmDisable', { username: u.username })}</span>
                <button
                  type="button"
                  className="danger"
                  disabled={toggle.isPending}
                  onClick={() => toggle.mutate(true)}
                >
                  {t('users.confirmDisableButton')}
                </button>
                <button type="button" disabled={toggle.isPending} onClick={() => setMode('idle')}>
                  {t('users.cancel')}
                </button>
              </div>
            ) : (
              <div className="row">
                {u.disabled ? (
                  <button
                    type="button"
                    disabled={toggle.isPending}
                    onClick={() => {
                      onStart();
                      toggle.reset();
                      toggle.mutate(false);
                    }}
                  >
                    {t('users.enable')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="danger"
                    disabled={self}
                    title={self ? t('users.notYourself') : undefined}
                    onClick={() => {
                      toggle.reset();
                      setMode('confirm-disable');
                    }}
                  >
                    {t('users.disable')}
                  </button>
                )}
                <button
                  type="button"
                  aria-expanded={mode === 'password'}
                  onClick={() => setMode(mode === 'password' ? 'idle' : 'password')}
                >
                  {t('users.setPassword')}
                </button>
                <button
                  type="button"
                  aria-expanded={mode === 'mail'}
                  onClick={() => setMode(mode === 'mail' ? 'idle' : 'mail')}
                >
                  {t('notifications.edit')}
                </button>
              </div>
            )}
            {toggleError && (
              <div className="field-error" role="alert" data-field-error="disabled">
                {toggleError.forField('disabled') ?? toggleError.shownDetail ?? toggleError.title}
              </div>
            )}
          </td>
        )}
      </tr>
      {manager && mode === 'password' && (
        <tr className="inline-form-row" data-password-for={u.username}>
          <td colSpan={6}>
            <PasswordReset
              u={u}
              onCancel={() => setMode('idle')}
              onDone={() => {
                setMode('idle');
                onDone({ key: 'users.passwordSet', values: { username: u.username } });
              }}
            />
          </td>
        </tr>
      )}
      {manager && mode === 'mail' && (
        <tr className="inline-form-row" data-mail-for={u.username}>
          <td colSpan={6}>
            <MailSettings
              u={u}
              onCancel={() => setMode('idle')}
              onDone={(after) => {
                qc.setQueryData<UserAccount[]>(USERS_KEY, (list) => list?.map((x) => (x.id === after.id ? after : x)));
                setMode('idle');
                onDone({ key: 'notifications.savedFor', values: { username: u.username } });
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}

/** A manager sets where a person's notification mails go and how often. */
function MailSettings({
  u,
  onCancel,
  onDone,
}: {
  u: UserAccount;
  onCancel: () => void;
  onDone: (after: UserAccount) => void;
}) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(u.email ?? '');
  const [notify, setNotify] = useState<NotifyPreference>(u.notify);
  const save = useMutation({
    mutationFn: () => setUserNotifications(u.id, { email: email.trim() === '' ? null : email.trim(), notify }),
    onSuccess: onDone,
  });
  const { forField, other } = splitErrors(save.error ? asApiError(save.error) : null, ['email', 'notify']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.reset();
    save.mutate();
  };
  return (
    <form
      className="inline-form"
      onSubmit={submit}
      noValidate
      aria-label={t('notifications.editOf', { username: u.username })}
      data-testid="mail-settings"
    >
      <Field label={t('notifications.email')} error={forField('email')} name="email">
        {(p) => (
          <input
            {...p}
            type="email"
            value={email}
            maxLength={254}
            autoFocus
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('notifications.notify')} error={forField('notify')} name="notify">
        {(p) => (
          <select {...p} value={notify} onChange={(e) => setNotify(e.target.value as NotifyPreference)}>
            {NOTIFY_PREFERENCES.map((n) => (
              <option key={n} value={n}>
                {t(`notifications.${n}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="row buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('common.wait') : t('notifications.save')}
        </button>
        <button type="button" onClick={onCancel} disabled={save.isPending}>
          {t('users.cancel')}
        </button>
      </div>
      {other && <ProblemMessage error={other} />}
    </form>
  );
}

/** A manager sets a new password for one who forgot theirs; they are signed out everywhere. */
function PasswordReset({ u, onCancel, onDone }: { u: UserAccount; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const save = useMutation({ mutationFn: () => setUserPassword(u.id, password), onSuccess: onDone });
  const error: ApiError | null = save.error ? asApiError(save.error) : null;
  const { forField, other } = splitErrors(error, ['password']);
  const passwordError = tried && !password ? t('filing.required') : forField('password');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    save.reset();
    if (!password) return;
    save.mutate();
  };
  return (
    <form
      className="inline-form"
      onSubmit={submit}
      noValidate
      aria-label={t('users.setPasswordFor', { username: u.username })}
      data-testid="password-reset"
    >
      <Field
        label={t('users.newPasswordFor', { username: u.username })}
        error={passwordError}
        name="password"
        hint={t('users.newPasswordHint')}
      >
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            value={password}
            maxLength={200}
            autoFocus
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <div className="row buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('common.wait') : t('users.savePassword')}
        </button>
        <button type="button" onClick={onCancel} disabled={save.isPending}>
          {t('users.cancel')}
        </button>
      </div>
      {other && <ProblemMessage error={other} />}
    </form>
  );
}
