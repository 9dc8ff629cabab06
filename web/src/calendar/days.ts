/** Calendar days as the notice writes them (YYYY-MM-DD): their weekday and the days a holiday spans. */
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const utc = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** The short weekday name in the page's language (周六 / Sat); '' for no date. */
export function weekdayOf(date: string, lang: string): string {
  if (!ISO.test(date) || Number.isNaN(utc(date))) return '';
  return new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' }).format(new Date(utc(date)));
}

/** The days from–to, both included; '' when either is not a date. */
export function daysIn(from: string, to: string): number | '' {
  if (!ISO.test(from) || !ISO.test(to)) return '';
  const n = Math.round((utc(to) - utc(from)) / 86_400_000) + 1;
  return Number.isNaN(n) ? '' : n;
}
