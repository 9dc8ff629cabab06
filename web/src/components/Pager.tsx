/** Server-side paging by cursor (`nextCursor` from the API), with a stack of cursors for going back. */
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
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

/** `nextCursor` is a string, or a number where the API pages by sequence number (the audit log). */
export function Pager({ pages, nextCursor }: { pages: CursorPages; nextCursor: string | number | null | undefined }) {
  const { t } = useTranslation();
  return (
    <div className="pager">
      <button type="button" disabled={!pages.canGoBack} onClick={pages.back}>
        {t('common.prev')}
      </button>
      <span>{t('common.pageN', { n: pages.number })}</span>
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
