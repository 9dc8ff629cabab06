import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

const EChart = lazy(() => import('./EChart'));

/** A chart with its table one click away (the table holds the exact amounts); `empty` says why there is nothing to draw. */
export function ChartCard({
  title,
  option,
  table,
  height,
  testId,
  empty,
}: {
  title: string;
  option: Record<string, unknown>;
  table: ReactNode;
  height?: number;
  testId?: string;
  empty?: string | undefined;
}) {
  const { t } = useTranslation();
  const [showTable, setShowTable] = useState(false);
  return (
    <section className="card chart-card" data-testid={testId}>
      <h3>
        <span>{title}</span>
        {!empty && (
          <button type="button" className="link" aria-pressed={showTable} onClick={() => setShowTable(!showTable)}>
            {showTable ? t('chart.showChart') : t('chart.showTable')}
          </button>
        )}
      </h3>
      {empty ? (
        <p className="chart-empty muted" style={{ height: height ?? 300 }} data-empty="true">
          {empty}
        </p>
      ) : showTable ? (
        <div className="table-wrap">{table}</div>
      ) : (
        <Suspense fallback={<div className="chart muted">{t('common.loading')}</div>}>
          <EChart option={option} height={height ?? 300} label={title} />
        </Suspense>
      )}
    </section>
  );
}
