/** Display helpers: pure, shared by every view. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * Binary units (1 KiB = 1024 B), as `docker stats` prints memory and as limits are typed
 * (`--memory 64m` is 64 MiB): one unit system for every size Berth shows.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${UNITS[i]}`;
}

const STEPS: [number, string][] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [30, 'day'],
  [12, 'month'],
  [Infinity, 'year'],
];

export function relativeTime(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  let v = Math.max(0, Math.round((now - ms) / 1000));
  if (v < 5) return 'just now';
  for (const [size, unit] of STEPS) {
    if (v < size) return `${v} ${unit}${v === 1 ? '' : 's'} ago`;
    v = Math.floor(v / size);
  }
  return '—';
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** "3 checks failed in a row", shown while a health check's probes fail (a healthy container may have failed some). */
export function failingWords(n: number | undefined): string | undefined {
  return n ? `${n} ${n === 1 ? 'check' : 'checks'} failed in a row` : undefined;
}

/** A duration in words fit for a list: "850 ms", "12.4 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.floor(s)} s`;
  const whole = Math.floor(s);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}
