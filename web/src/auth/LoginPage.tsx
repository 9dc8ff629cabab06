import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { Field } from '../components/Field';
import { LangSwitch } from '../layout/LangSwitch';
import { homeOf, useAuth } from './auth';

export default function LoginPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await signIn(username, password);
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && from !== '/login' ? from : homeOf(user.role), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'network', undefined, []));
    } finally {
      setBusy(false);
    }
  }

  const general =
    error && !error.errors.length
      ? error.status === 401
        ? t('login.wrong')
        : error.status === 429
          ? t('login.tooMany')
          : t('error.generic')
      : null;

  return (
    <main className="login">
      <div className="login-card">
        <div className="login-top">
          <LangSwitch />
        </div>
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('app.tagline')}</p>
        <form onSubmit={submit} noValidate>
          <Field label={t('login.username')} error={error?.forField('username')}>
            {(p) => (
              <input
                {...p}
                autoComplete="username"
                autoFocus
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('login.password')} error={error?.forField('password')}>
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          {general && (
            <p className="error" role="alert">
              {general}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('common.wait') : t('login.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
