import { useProgrammes } from '../api/programmes';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Loading, ProblemMessage } from '../components/Problem';
import { pick } from '../i18n';

export default function ProgrammesPage() {
  const { t, i18n } = useTranslation();
  const q = useProgrammes();
  if (q.isPending) return <Loading />;
  if (q.error) return <ProblemMessage error={q.error} />;
  return (
    <>
      <h1>{t('nav.programmes')}</h1>
      <table>
        <thead>
          <tr>
            <th>{t('prog.id')}</th>
            <th>{t('prog.title')}</th>
            <th>{t('prog.versions')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.map((p) => (
            <tr key={p.id}>
              <td>
                <Link to={`/programmes/${p.id}`}>{p.id}</Link>
              </td>
              <td>{pick(p.title, i18n.language)}</td>
              <td>
                {p.versions
                  .map((v) => `${v.version} (${v.effectiveFrom} – ${v.effectiveTo ?? t('prog.open')})`)
                  .join('；')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <Link to="/calendar" data-testid="calendar-link">
          {t('cal.link')}
        </Link>
      </p>
    </>
  );
}
