/**
 * My notification mails (邮件提醒), on the account page: my address and whether I get a mail each
 * time something waits on me, one a day listing what waits, or none. When the server sends no mail
 * (no SMTP server set up) the card says so; the settings are kept for when it does.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NOTIFICATIONS_KEY, NOTIFY_PREFERENCES, setNotifications, useNotifications } from '../api/accounts';
import type { NotifyPreference } from '../api/types';
import { Field } from '../components/Field';
import { ProblemMessage } from '../components/Problem';
import { asApiError, splitErrors } from './forms';

export function Notifications() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const current = useNotifications();
  const [email, setEmail] = useState('');
  const [notify, setNotify] = useState<NotifyPreference>('each');
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!current.data) return;
    setEmail(current.data.email ?? '');
    setNotify(current.data.notify);
  }, [current.data]);
  const save = useMutation({
    mutationFn: () => setNotifications({ email: email.trim() === '' ? null : email.trim(), notify }),
    onSuccess: (data) => {
      qc.setQueryData(NOTIFICATIONS_KEY, data);
      setDone(true);
    },
  });
  const { forField, other } = splitErrors(save.error ? asApiError(save.error) : null, ['email', 'notify']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    save.reset();
    save.mutate();
  };
  return (
    <form
      className="card"
      onSubmit={submit}
      noValidate
      aria-labelledby="account-notifications"
      data-testid="notifications-form"
    >
      <h2 id="account-notifications" style={{ marginTop: 0 }}>
        {t('notifications.title')}
      </h2>
      <p className="hint">{t('notifications.intro')}</p>
      {current.data && !current.data.mailEnabled && (
        <p className="hint" data-testid="mail-disabled">
          {t('notifications.mailDisabled')}
        </p>
      )}
      <Field label={t('notifications.email')} error={forField('email')} name="email">
        {(p) => (
          <input
            {...p}
            type="email"
            autoComplete="email"
            value={email}
            maxLength={254}
            onChange={(e) => {
              setDone(false);
              setEmail(e.target.value);
            }}
          />
        )}
      </Field>
      <Field label={t('notifications.notify')} error={forField('notify')} name="notify">
        {(p) => (
          <select
            {...p}
            value={notify}
            onChange={(e) => {
              setDone(false);
              setNotify(e.target.value as NotifyPreference);
            }}
          >
            {NOTIFY_PREFERENCES.map((n) => (
              <option key={n} value={n}>
                {t(`notifications.${n}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {other && <ProblemMessage error={other} />}
      {done && (
        <p className="ok-box" role="status" data-testid="notifications-saved">
          {t('notifications.saved')}
        </p>
      )}
      <button type="submit" className="primary" disabled={save.isPending || !current.data}>
        {save.isPending ? t('common.wait') : t('notifications.save')}
      </button>
    </form>
  );
}
