/**
 * My account (我的账户), for everyone signed in: who I am, changing my own password (the current
 * one, the new one twice — a mismatch is refused here, before anything is sent; my other sessions
 * end), where my notification mails go and how often (Notifications), and for bank officers and managers the API tokens their systems call with (ApiTokens) and
 * the webhook endpoints their systems receive events at (Webhooks).
 */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { changeOwnPassword, institutionName, useInstitutions } from '../api/accounts';
import { can, useAuth } from '../auth/auth';
import { Field } from '../components/Field';
import { ProblemMessage } from '../components/Problem';
import { ApiTokens } from './ApiTokens';
import { Notifications } from './Notifications';
import { Webhooks } from './Webhooks';
import { asApiError, splitErrors } from './forms';

export default function AccountPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const banks = useInstitutions('bank', user?.role === 'bank');
  const guarantors = useInstitutions('guarantor', user?.role === 'guarantor');
  if (!user) return null;
  return (
    <>
      <h1>{t('account.title')}</h1>
      <div className="grid two account-top">
        <section className="card" aria-labelledby="account-me">
          <h2 id="account-me" style={{ marginTop: 0 }}>
            {t('account.me')}
          </h2>
          <dl className="props" data-testid="account-props">
            <dt>{t('users.username')}</dt>
            <dd>
              <code>{user.username}</code>
            </dd>
            <dt>{t('users.displayName')}</dt>
            <dd>{user.displayName}</dd>
            <dt>{t('users.role')}</dt>
            <dd>{t(`role.${user.role}`)}</dd>
            {user.bankId && (
              <>
                <dt>{t('users.bank')}</dt>
                <dd>{institutionName(banks.data?.items, user.bankId, i18n.language)}</dd>
              </>
            )}
            {user.guarantorId && (
              <>
                <dt>{t('users.guarantor')}</dt>
                <dd>{institutionName(guarantors.data?.items, user.guarantorId, i18n.language)}</dd>
              </>
            )}
          </dl>
        </section>
        <PasswordChange username={user.username} />
      </div>
      <Notifications />
      {can(user, 'bank', 'manager') && <ApiTokens manager={user.role === 'manager'} />}
      {can(user, 'bank', 'manager') && <Webhooks manager={user.role === 'manager'} />}
    </>
  );
}

const FIELDS = ['currentPassword', 'newPassword', 'repeat'] as const;
type Fields = Record<(typeof FIELDS)[number], string>;
const EMPTY: Fields = { currentPassword: '', newPassword: '', repeat: '' };

function PasswordChange({ username }: { username: string }) {
  const { t } = useTranslation();
  const [v, setV] = useState<Fields>(EMPTY);
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState(false);
  const save = useMutation({
    mutationFn: () => changeOwnPassword(v.currentPassword, v.newPassword),
    onSuccess: () => {
      setV(EMPTY);
      setTried(false);
      setDone(true);
    },
  });
  const { forField, other } = splitErrors(save.error ? asApiError(save.error) : null, [
    'currentPassword',
    'newPassword',
  ]);
  const local = (k: keyof Fields): string | undefined => {
    if (!tried) return undefined;
    if (!v[k]) return t('filing.required');
    if (k === 'repeat' && v.repeat !== v.newPassword) return t('account.mismatch');
    return undefined;
  };
  const err = (k: keyof Fields) => local(k) ?? forField(k);
  const set = (k: keyof Fields, value: string) => {
    setDone(false);
    setV((old) => ({ ...old, [k]: value }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setDone(false);
    save.reset(); // the last refusal is for what was sent then
    if (FIELDS.some((k) => !v[k]) || v.repeat !== v.newPassword) return;
    save.mutate();
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="account-password" data-testid="password-form">
      <h2 id="account-password" style={{ marginTop: 0 }}>
        {t('account.changePassword')}
      </h2>
      {/* The username, for password managers. */}
      <input type="text" hidden readOnly autoComplete="username" value={username} />
      <Field label={t('account.currentPassword')} error={err('currentPassword')} name="currentPassword">
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="current-password"
            value={v.currentPassword}
            maxLength={200}
            onChange={(e) => set('currentPassword', e.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('account.newPassword')}
        error={err('newPassword')}
        name="newPassword"
        hint={t('users.passwordHint')}
      >
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            value={v.newPassword}
            maxLength={200}
            onChange={(e) => set('newPassword', e.target.value)}
          />
        )}
      </Field>
      <Field label={t('account.repeatPassword')} error={err('repeat')} name="repeat">
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            value={v.repeat}
            maxLength={200}
            onChange={(e) => set('repeat', e.target.value)}
          />
        )}
      </Field>
      {other && <ProblemMessage error={other} />}
      {done && (
        <p className="ok-box" role="status" data-testid="password-changed">
          {t('account.passwordChanged')}
        </p>
      )}
      <button type="submit" className="primary" disabled={save.isPending}>
        {save.isPending ? t('common.wait') : t('account.savePassword')}
      </button>
    </form>
  );
}
