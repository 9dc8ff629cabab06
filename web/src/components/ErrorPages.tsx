/** The 403 and 404 pages: what happened, in plain words, and a way home (待办) or back. */
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/auth';

function ErrorPage({ code, title, message, hint }: { code: 403 | 404; title: string; message: string; hint: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <section className="error-page" data-testid={`error-${code}`} aria-labelledby="error-title">
      <p className="error-code" aria-hidden="true">
        {code}
      </p>
      <h1 id="error-title">{title}</h1>
      <p className="error" role="alert">
        {message}
      </p>
      <p className="muted">{hint}</p>
      <p className="muted small">{t('error.code', { code })}</p>
      <div className="row">
        <Link to="/" className="button primary">
          {t('error.goHome')}
        </Link>
        <button type="button" onClick={() => navigate(-1)}>
          {t('error.goBack')}
        </button>
      </div>
    </section>
  );
}

/** A page the signed-in role may not open. */
export function Forbidden() {
  const { t } = useTranslation();
  const { user } = useAuth();
  return (
    <ErrorPage
      code={403}
      title={t('error.forbiddenTitle')}
      message={t('error.forbidden')}
      hint={t('error.forbiddenHint', { role: user ? t(`role.${user.role}`) : '' })}
    />
  );
}

/** A path the app does not have, or a record that is not there (or not the user's). */
export function NotFound() {
  const { t } = useTranslation();
  return (
    <ErrorPage
      code={404}
      title={t('error.notFoundTitle')}
      message={t('error.notFound')}
      hint={t('error.notFoundHint')}
    />
  );
}
