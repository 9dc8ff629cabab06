import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, inLanguage } from '../api/client';

/** A short, human message for a failed request: never a stack trace. */
export function ProblemMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  let text = t('error.generic');
  if (error instanceof ApiError) {
    if (error.status === 0) text = t('error.network');
    else if (error.status === 403) text = t('error.forbidden');
    else if (error.status === 404) text = t('error.notFound');
    else text = error.shownDetail ?? error.title;
  }
  const listed = error instanceof ApiError ? error.errors : [];
  // Refused or not there: say so and offer the way home (待办), as the 403 and 404 pages do.
  const lost = error instanceof ApiError && (error.status === 403 || error.status === 404);
  return (
    <div className="error-box" role="alert">
      <p>
        {text}
        {lost && (
          <>
            {' '}
            <Link to="/" data-testid="go-home">
              {t('error.goHome')}
            </Link>
          </>
        )}
      </p>
      {listed.length > 0 && (
        <ul>
          {listed.map((e, i) => (
            <li key={i}>
              <code>{e.field}</code> {inLanguage(e)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="muted" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}
