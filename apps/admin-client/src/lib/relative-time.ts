const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "in 6 days", "2 hours ago", "now": the largest unit that fits, rounded to the nearest. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return 'now';
}

/** An invite's expiry as a person reads it: "expires in 6 days" or "expired 2 days ago". */
export function expiryText(expiresAt: string, now: Date = new Date()): string {
  const past = new Date(expiresAt).getTime() <= now.getTime();
  return `${past ? 'expired' : 'expires'} ${relativeTime(expiresAt, now)}`;
}

export const dateTime = (iso: string) =>
  new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
