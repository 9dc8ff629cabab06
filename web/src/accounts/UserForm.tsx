/**
 * A manager adds a person: username, name, role, password, and the bank a bank officer acts for or
 * the guarantor a guarantor officer acts for (the select shows for those roles only). Empty fields
 * are named here first; the server's refusals (a short password, a username taken) stand beside
 * the input they name, in the page's language.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createUser, ROLES, USERS_KEY } from '../api/accounts';
import type { Institution, Role, UserAccount, UserInput } from '../api/types';
import { Field } from '../components/Field';
import { ProblemMessage } from '../components/Problem';
import { asApiError, splitErrors } from './forms';

const FIELDS = ['username', 'displayName', 'role', 'password', 'bankId', 'guarantorId'] as const;
type Fields = Record<(typeof FIELDS)[number], string>;

export function UserForm({
  banks,
  guarantors,
  onCancel,
  onCreated,
}: {
  banks: Institution[];
  guarantors: Institution[];
  onCancel: () => void;
  onCreated: (u: UserAccount) => void;
}) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [v, setV] = useState<Fields>({
    username: '',
    displayName: '',
    role: '',
    password: '',
    bankId: '',
    guarantorId: '',
  });
  const [tried, setTried] = useState(false);
  const set = (k: keyof Fields, value: string) => setV((old) => ({ ...old, [k]: value }));
  const role = v.role as Role | '';

  useEffect(() => {
    form.current?.scrollIntoView({ block: 'nearest' });
    form.current?.querySelector<HTMLElement>('input')?.focus({ preventScroll: true });
  }, []);

  const save = useMutation({
    mutationFn: (body: UserInput) => createUser(body),
    onSuccess: async (u) => {
      await qc.invalidateQueries({ queryKey: USERS_KEY });
      onCreated(u);
    },
    onError: () => focusFirstInvalid(),
  });
  const { forField, other } = splitErrors(save.error ? asApiError(save.error) : null, [...FIELDS]);

  const missing = FIELDS.filter((k) => {
    if (k === 'bankId') return role === 'bank' && !v.bankId;
    if (k === 'guarantorId') return role === 'guarantor' && !v.guarantorId;
    return !v[k].trim();
  });
  const err = (k: (typeof FIELDS)[number]) => (tried && missing.includes(k) ? t('filing.required') : forField(k));
  const focusFirstInvalid = () =>
    setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    save.reset(); // the last refusal is for what was sent then
    if (missing.length || !role) {
      focusFirstInvalid();
      return;
    }
    save.mutate({
      username: v.username.trim(),
      displayName: v.displayName.trim(),
      role,
      password: v.password,
      ...(role === 'bank' ? { bankId: v.bankId } : {}),
      ...(role === 'guarantor' ? { guarantorId: v.guarantorId } : {}),
    });
  };
  const nameOf = (i: Institution) => (i18n.language.startsWith('zh') ? i.name : (i.nameEn ?? i.name));

  return (
    <form
      ref={form}
      className="card user-form"
      onSubmit={submit}
      noValidate
      aria-label={t('users.addTitle')}
      data-testid="user-form"
    >
      <h2 style={{ marginTop: 0 }}>{t('users.addTitle')}</h2>
      <div className="grid form">
        <Field label={t('users.username')} error={err('username')} name="username" hint={t('users.usernameHint')}>
          {(p) => (
            <input
              {...p}
              value={v.username}
              maxLength={63}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set('username', e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('users.displayName')}
          error={err('displayName')}
          name="displayName"
          hint={t('users.displayNameHint')}
        >
          {(p) => (
            <input
              {...p}
              value={v.displayName}
              maxLength={100}
              autoComplete="off"
              onChange={(e) => set('displayName', e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('users.role')}
          error={err('role')}
          name="role"
          hint={role ? t(`users.roleHint.${role}`) : undefined}
        >
          {(p) => (
            <select {...p} value={v.role} onChange={(e) => set('role', e.target.value)}>
              <option value="">{t('common.choose')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {role === 'bank' && (
          <Field label={t('users.bank')} error={err('bankId')} name="bankId">
            {(p) => (
              <select {...p} value={v.bankId} onChange={(e) => set('bankId', e.target.value)}>
                <option value="">{t('common.choose')}</option>
                {banks.map((b) => (
                  <option key={b.id} value={b.id}>
                    {nameOf(b)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {role === 'guarantor' && (
          <Field label={t('users.guarantor')} error={err('guarantorId')} name="guarantorId">
            {(p) => (
              <select {...p} value={v.guarantorId} onChange={(e) => set('guarantorId', e.target.value)}>
                <option value="">{t('common.choose')}</option>
                {guarantors.map((g) => (
                  <option key={g.id} value={g.id}>
                    {nameOf(g)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t('users.password')} error={err('password')} name="password" hint={t('users.passwordHint')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              value={v.password}
              maxLength={200}
              onChange={(e) => set('password', e.target.value)}
            />
          )}
        </Field>
      </div>
      {other && <ProblemMessage error={other} />}
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('common.wait') : t('users.create')}
        </button>
        <button type="button" onClick={onCancel} disabled={save.isPending}>
          {t('users.cancel')}
        </button>
      </div>
    </form>
  );
}
