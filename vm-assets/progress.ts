/**
 * The pure parts of an image build's progress: its phases and their weights (from how long each
 * took last time, else defaults), counting debootstrap's lines within a phase, the estimate said up
 * front, and the line protocol between `berth vm build --json` and the app (electron/main/vm/image.ts).
 */

export const PHASES = ['fetch', 'install', 'kernel', 'pack', 'check'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_WORDS: Record<Phase, string> = {
  fetch: 'fetching packages',
  install: 'installing packages',
  kernel: 'adding the kernel and its modules',
  pack: 'packing the root image',
  check: 'checking the files',
};

export interface Timings {
  /** How long each phase took (ms). */
  phases: Record<Phase, number>;
  /** How many debootstrap lines the counted phases printed. */
  counts: { fetch: number; install: number };
}

/** What a build here took (fast mirror, 2 cores): the weights before this machine has built once. */
export const DEFAULT_TIMINGS: Timings = { phases: { fetch: 21_000, install: 40_000, kernel: 6_000, pack: 15_000, check: 2_000 }, counts: { fetch: 142, install: 353 } };
/** Said up front when this machine has never built: downloads depend on the network. */
export const UNSEEN_BUILD_MS = 4 * 60_000;

export const totalMs = (t: Timings) => PHASES.reduce((s, p) => s + t.phases[p], 0);

export function checkTimings(value: unknown): Timings | undefined {
  const t = value as Partial<Timings> | null;
  const num = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!t || typeof t !== 'object' || !t.phases || !t.counts) return undefined;
  if (!PHASES.every((p) => num(t.phases![p])) || !num(t.counts.fetch) || !num(t.counts.install)) return undefined;
  return t as Timings;
}

/** "about 4 min", said before a build starts. */
export function estimateText(ms: number): string {
  if (ms < 50_000) return 'under a minute';
  return `about ${Math.max(1, Math.ceil((ms - 10_000) / 60_000))} min`;
}

/** Which counted phase a debootstrap line advances: one "Validating" per package fetched, one line per package extracted, unpacked or configured. */
export function debootstrapTick(line: string): 'fetch' | 'install' | undefined {
  if (/^I: Validating \S+/.test(line)) return 'fetch';
  if (/^I: (Extracting|Unpacking|Configuring) \S+\.\.\.$/.test(line)) return 'install';
  return undefined;
}

/** Where a build is, 0..1, from the phase it is in and the lines counted there. */
export class BuildProgress {
  private phase: Phase = 'fetch';
  private readonly counted = { fetch: 0, install: 0 };
  private readonly started: Partial<Record<Phase, number>> = {};
  private readonly took: Partial<Record<Phase, number>> = {};

  constructor(
    private readonly last: Timings,
    private readonly report: (step: string, progress: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  enter(phase: Phase, words = PHASE_WORDS[phase]): void {
    const t = this.now();
    if (this.started[this.phase] !== undefined && this.took[this.phase] === undefined) this.took[this.phase] = t - this.started[this.phase]!;
    this.phase = phase;
    this.started[phase] = t;
    this.report(words, this.fraction());
  }

  /** A line of the current phase's tool; reports when it moved the bar by a percent or more. */
  line(line: string): void {
    const tick = debootstrapTick(line);
    if (!tick || tick !== this.phase) return;
    const before = Math.floor(this.fraction() * 100);
    this.counted[tick]++;
    if (Math.floor(this.fraction() * 100) > before) this.report(PHASE_WORDS[tick], this.fraction());
  }

  fraction(): number {
    const total = totalMs(this.last) || 1;
    const i = PHASES.indexOf(this.phase);
    const done = PHASES.slice(0, i).reduce((s, p) => s + this.last.phases[p], 0);
    const expected = this.phase === 'fetch' || this.phase === 'install' ? this.last.counts[this.phase] : 0;
    const within = expected ? Math.min(0.97, this.counted[this.phase as 'fetch'] / expected) : 0;
    return Math.min(1, (done + within * this.last.phases[this.phase]) / total);
  }

  /** This build's timings, once it is done (the next build's weights); `unmeasured` phases keep the last ones (a fetch that did not download). */
  finish(unmeasured: Phase[] = []): Timings {
    if (this.started[this.phase] !== undefined) this.took[this.phase] ??= this.now() - this.started[this.phase]!;
    const measured = (p: Phase) => !unmeasured.includes(p);
    const phases = Object.fromEntries(PHASES.map((p) => [p, (measured(p) && this.took[p]) || this.last.phases[p]])) as Record<Phase, number>;
    const count = (p: 'fetch' | 'install') => (measured(p) && this.counted[p]) || this.last.counts[p];
    return { phases, counts: { fetch: count('fetch'), install: count('install') } };
  }
}

/** One line of `berth vm build --json`. */
export type BuildEvent = { step: string; progress: number } | { note: string } | { done: { dir: string; built: boolean; ms: number } } | { error: { code: string; message: string; hint?: string } };

export function parseBuildLine(line: string): BuildEvent | undefined {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!m || typeof m !== 'object') return undefined;
  const e = m as Record<string, unknown>;
  if (typeof e.step === 'string' && typeof e.progress === 'number' && Number.isFinite(e.progress)) return { step: e.step, progress: Math.min(1, Math.max(0, e.progress)) };
  if (typeof e.note === 'string') return { note: e.note };
  const done = e.done as Record<string, unknown> | undefined;
  if (done && typeof done.dir === 'string') return { done: { dir: done.dir, built: done.built === true, ms: Number(done.ms) || 0 } };
  const err = e.error as Record<string, unknown> | undefined;
  if (err && typeof err.message === 'string')
    return { error: { code: typeof err.code === 'string' ? err.code : 'COMMAND_FAILED', message: err.message, ...(typeof err.hint === 'string' ? { hint: err.hint } : {}) } };
  return undefined;
}
