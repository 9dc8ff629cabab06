import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { NAV, useAuth } from '../auth/auth';
import { Loading } from '../components/Problem';
import { LangSwitch } from './LangSwitch';
import { useHome } from '../home/home';

/** The user's name with the role once: a name that ends with it in brackets (张经理（托管机构）) is not repeated. */
const whoami = (name: string, role: string) =>
  name.endsWith(`（${role}）`) || name.endsWith(`(${role})`) ? name : `${name} · ${role}`;

export function Layout() {
  const { t } = useTranslation();
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const home = useHome(!!user);
  if (!user) return null;
  const todo = home.data?.counts.todo ?? 0;
  const late = home.data?.counts.late ?? 0;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {NAV.filter((n) => n.roles.includes(user.role)).map((n) => (
              <li key={n.path}>
                <NavLink to={n.path} end={n.path === '/'}>
                  {t(n.key)}
                  {n.path === '/' && todo > 0 && (
                    <span
                      className={`nav-count${late > 0 ? ' late' : ''}`}
                      data-testid="todo-count"
                      title={t('nav.todoCount', { n: todo })}
                    >
                      {todo}
                    </span>
                  )}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user">
          <Link
            to="/account"
            className="whoami"
            title={t('nav.accountOf', { username: user.username })}
            data-testid="whoami"
          >
            {whoami(user.displayName, t(`role.${user.role}`))}
          </Link>
          <LangSwitch />
          <button
            type="button"
            className="link"
            onClick={async () => {
              await signOut();
              navigate('/login');
            }}
          >
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
