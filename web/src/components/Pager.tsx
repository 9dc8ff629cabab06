/**
 * Server-side paging by cursor (`nextCursor` from the API), with a stack of cursors for going back.
 * A list that answers its total (`total`, `totalCapped`) shows "共 N 条" and page numbers: every page
 * already reached can be gone back to by its number, and the next one; the count of pages comes
 * from the total (a total counted no further than 10,000 shows as "10,000+").
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.at(-1),
    number: cursors.length + 1,
    canGoBack: cursors.length > 0,
    reset: () => setCursors([]),
    back: () => setCursors((c) => c.slice(0, -1)),
    forward: (next: string) => setCursors((c) => [...c, next]),
    /** Back to page `n` (1-based) of those reached already. */
    goTo: (n: number) => setCursors((c) => c.slice(0, Math.max(0, n - 1))),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

/** `nextCursor` is a string, or a number where the API pages by sequence number (the audit log). */
export function Pager({
  pages,
  nextCursor,
  total,
  totalCapped = false,
  pageSize = 50,
}: {
  pages: CursorPages;
  nextCursor: string | number | null | undefined;
  total?: number | undefined;
  totalCapped?: boolean | undefined;
  pageSize?: number;
}) {
  const { t, i18n } = useTranslation();
  const counted = total !== undefined;
  const fmt = (n: number) => n.toLocaleString(i18n.language);
  const pageCount = counted ? Math.max(1, Math.ceil(total / pageSize)) : undefined;
  const reached = Array.from({ length: pages.number }, (_, i) => i + 1);
  return (
    <div className="pager">
      {counted && (
        <span data-testid="list-total" role="status">
          {t(totalCapped ? 'common.totalCapped' : 'common.total', { n: fmt(total) })}
        </span>
      )}
      <button type="button" disabled={!pages.canGoBack} onClick={pages.back}>
        {t('common.prev')}
      </button>
      {counted ? (
        <span className="page-numbers">
          {reached.map((n) =>
            n === pages.number ? (
              <span key={n} aria-current="page" className="page-number current">
                {n}
              </span>
            ) : (
              <button key={n} type="button" className="page-number" onClick={() => pages.goTo(n)}>
                {n}
              </button>
            ),
          )}
          {nextCursor != null && (
            <button type="button" className="page-number" onClick={() => pages.forward(String(nextCursor))}>
              {pages.number + 1}
            </button>
          )}
          <span className="muted">
            {t(totalCapped ? 'common.ofPagesCapped' : 'common.ofPages', { n: fmt(pageCount!) })}
          </span>
        </span>
      ) : (
        <span>{t('common.pageN', { n: pages.number })}</span>
      )}
      <button
        type="button"
        disabled={!nextCursor}
        onClick={() => nextCursor != null && pages.forward(String(nextCursor))}
      >
        {t('common.next')}
      </button>
    </div>
  );
}
