/**
 * Health checks as the engine says them, read one way for the list, the Health tab and "run
 * again": the health of a listed container, its check and last probes, a check's command in words.
 */
import type Dockerode from 'dockerode';
import type { ContainerHealth, ContainerSummary, HealthReport } from '../../shared/models';
import { shellJoin } from '../../shared/run-spec';

/** Probes in a health report at most (the engine keeps five). */
const PROBES_MAX = 10;
/** The engine's "(healthy)" at the end of "Up 3 minutes (healthy)". */
const HEALTH_SUFFIX = /\s*\((healthy|unhealthy|health: starting)\)\s*$/;

/** A duration the engine keeps in ns -> ms (at least 1); undefined when unset (0) or not one. */
export function nsToMs(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.max(1, Math.round(v / 1e6)) : undefined;
}

/** A failing streak as the engine gives it: a whole number from 0, else undefined (a hostile engine's). */
export function streakOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** A check's Test as typed: CMD-SHELL's line, or CMD's words quoted for a shell; undefined for none (NONE, or not one). */
export function checkCommand(test: readonly string[]): string | undefined {
  if (test.length < 2) return undefined;
  if (test[0] === 'CMD-SHELL') return test.slice(1).join(' ');
  return test[0] === 'CMD' ? shellJoin(test.slice(1)) : undefined;
}

/** The engine's status text without the health it ends with (the Health column says that). */
export function statusWithoutHealth(status: string): string {
  return status.replace(HEALTH_SUFFIX, '');
}

/**
 * A listed container's health: newer engines (API 1.52) list it as `Health`; before, only the status
 * text says it: "Up 3 minutes (healthy)", "(unhealthy)", "(health: starting)" (Docker and Podman).
 */
export function healthOf(c: Pick<Dockerode.ContainerInfo, 'Status' | 'State'> & { Health?: { Status?: unknown; FailingStreak?: unknown } }): Pick<ContainerSummary, 'health' | 'failingStreak'> {
  // A stopped container's check is not running: the engine keeps (and API 1.52 lists) its last state.
  if (c.State !== 'running') return { health: 'none' };
  const listed = c.Health && typeof c.Health === 'object' ? c.Health : undefined;
  if (listed && typeof listed.Status === 'string') {
    const health = HEALTH_NAMES[listed.Status] ?? 'none';
    const streak = streakOf(listed.FailingStreak);
    return health === 'none' ? { health } : { health, ...(streak !== undefined ? { failingStreak: streak } : {}) };
  }
  const m = HEALTH_SUFFIX.exec(typeof c.Status === 'string' ? c.Status : '');
  return { health: m ? HEALTH_NAMES[m[1]!]! : 'none' };
}

/** The engine's defaults for a health check's zero (unset) fields. */
const CHECK_DEFAULTS = { interval: 30_000, timeout: 30_000, retries: 3, startPeriod: 0 };
/** A probe's output as the engine keeps it is at most 4 KiB; a hostile engine's is cut there too. */
const PROBE_OUTPUT_MAX = 4096;

/** Inspect -> the Health tab's report. Whatever the engine sends, it never throws. */
export function toHealthReport(raw: unknown): HealthReport {
  const r = (raw && typeof raw === 'object' ? raw : {}) as { State?: { Health?: unknown; Running?: unknown }; Config?: { Healthcheck?: unknown } };
  const h = (r.State?.Health && typeof r.State.Health === 'object' ? r.State.Health : {}) as { Status?: unknown; FailingStreak?: unknown; Log?: unknown };
  const c = (r.Config?.Healthcheck && typeof r.Config.Healthcheck === 'object' ? r.Config.Healthcheck : {}) as Record<string, unknown>;
  const test = Array.isArray(c['Test']) && c['Test'].every((t) => typeof t === 'string') ? c['Test'] : [];
  const ms = (v: unknown, dflt: number) => nsToMs(v) ?? dflt;
  const command = checkCommand(test);
  const check =
    command !== undefined
      ? {
          command,
          interval: ms(c['Interval'], CHECK_DEFAULTS.interval),
          timeout: ms(c['Timeout'], CHECK_DEFAULTS.timeout),
          retries: typeof c['Retries'] === 'number' && Number.isSafeInteger(c['Retries']) && c['Retries'] > 0 ? c['Retries'] : CHECK_DEFAULTS.retries,
          startPeriod: ms(c['StartPeriod'], CHECK_DEFAULTS.startPeriod),
        }
      : undefined;
  const time = (v: unknown) => (typeof v === 'string' && Number.isFinite(Date.parse(v)) ? Date.parse(v) : 0);
  const probes = (Array.isArray(h.Log) ? h.Log : [])
    .filter((p): p is Record<string, unknown> => !!p && typeof p === 'object')
    .map((p) => ({
      start: time(p['Start']),
      end: time(p['End']),
      exitCode: typeof p['ExitCode'] === 'number' ? p['ExitCode'] : -1,
      output: typeof p['Output'] === 'string' ? p['Output'].slice(0, PROBE_OUTPUT_MAX) : '',
    }))
    .slice(-PROBES_MAX)
    .reverse();
  const running = r.State?.Running === true;
  const status = check && running && typeof h.Status === 'string' ? (HEALTH_NAMES[h.Status] ?? 'none') : 'none';
  return { status, failingStreak: streakOf(h.FailingStreak) ?? 0, ...(check ? { check } : {}), probes };
}

const HEALTH_NAMES: Record<string, ContainerHealth> = Object.assign(Object.create(null) as Record<string, ContainerHealth>, {
  healthy: 'healthy',
  unhealthy: 'unhealthy',
  starting: 'starting',
  'health: starting': 'starting',
});
