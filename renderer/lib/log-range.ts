/** The log's From / Until fields: datetime-local text <-> unix seconds (the browser's time zone), and what makes a range. Pure. */

/** Unix seconds as a datetime-local value; none: empty. */
export const rangeInput = (sec?: number): string => (sec ? new Date(sec * 1000 - new Date(sec * 1000).getTimezoneOffset() * 60_000).toISOString().slice(0, 19) : '');

/** A datetime-local value as unix seconds; empty or unreadable: no bound. */
export const rangeSeconds = (v: string): number | undefined => (v ? Math.floor(new Date(v).getTime() / 1000) || undefined : undefined);

/** The range the two fields say, or why they say none. */
export function readLogRange(from: string, to: string): { since?: number; until?: number } | { problem: string } {
  const since = rangeSeconds(from);
  const until = rangeSeconds(to);
  if (since && until && until <= since) return { problem: '"Until" must be after "from".' };
  return { since, until };
}
