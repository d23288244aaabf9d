/**
 * Auto-pause ("resource saver"): after `idleMs` with no running container and no bytes through the
 * forwarded docker socket, the VM is paused (QEMU `stop`: no CPU at all); the next connection (or
 * a byte on one that is open) resumes it before anything is forwarded, and every caller that comes
 * during a wake waits on that one resume. One timer, armed on activity; never a polling loop: a
 * timer that fires early (activity came meanwhile) is armed again for the rest of the time.
 */
export interface AutoPauseOptions {
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Idle time before pausing; 0 (or less): never. */
  idleMs: number;
  /** The VM was paused (true) or resumed (false). */
  onPaused(paused: boolean): void;
  /** A pause or resume that failed, in words (for the log); the VM stays as it was. */
  onError?(what: 'pause' | 'resume', e: Error): void;
  now?: () => number;
}

type Phase = 'awake' | 'pausing' | 'paused';

export class AutoPause {
  private readonly now: () => number;
  private last: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Running containers; undefined until first told (no pause before that). */
  private running: number | undefined;
  private phase: Phase = 'awake';
  private pausing: Promise<void> | undefined;
  private waking: Promise<void> | undefined;
  private disposed = false;
  /** Holds not yet released (hold()). */
  private holds = 0;
  private idleMs: number;

  constructor(private readonly opts: AutoPauseOptions) {
    this.now = opts.now ?? Date.now;
    this.last = this.now();
    this.idleMs = opts.idleMs;
  }

  /** Another idle time (the preference changed), counted from the last activity; 0: never. */
  setIdleMs(ms: number): void {
    this.idleMs = ms;
    this.arm();
  }

  get paused(): boolean {
    return this.phase !== 'awake';
  }

  /** Bytes went through (either way): idle starts again; on a paused VM, a wake. */
  traffic(): void {
    this.last = this.now();
    if (this.phase !== 'awake') void this.wake().catch(() => undefined);
    else if (!this.timer) this.arm();
  }

  /** A new connection waits on this: resolves at once while awake, else once the VM is resumed. */
  gate(): Promise<void> {
    this.last = this.now();
    if (this.phase === 'awake') {
      if (!this.timer) this.arm();
      return Promise.resolve();
    }
    return this.wake();
  }

  /** How many containers run now (a change is activity too). */
  containers(n: number | undefined): void {
    this.running = n;
    this.last = this.now();
    this.arm();
  }

  /**
   * No pause while held (a busy count: a trim, a `berth vm ssh` session); the idle time starts again
   * once the last hold is released. Holding wakes nothing: a caller that needs the VM awake gates too.
   */
  hold(): () => void {
    this.holds++;
    this.arm(); // no timer while held
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.last = this.now();
      this.arm();
    };
  }

  /** No more pausing; resolves once a pause or a wake in progress is done (the VM may then be paused or not). */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pausing;
    await this.waking?.catch(() => undefined);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed || this.idleMs <= 0 || this.phase !== 'awake' || this.running !== 0 || this.holds > 0) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, this.last + this.idleMs - this.now()));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    if (this.disposed || this.phase !== 'awake' || this.running !== 0 || this.holds > 0) return;
    if (this.now() - this.last < this.idleMs) return this.arm();
    this.phase = 'pausing';
    this.pausing = this.opts.pause().then(
      () => {
        this.phase = 'paused';
        this.opts.onPaused(true);
      },
      (e: Error) => {
        this.phase = 'awake';
        this.opts.onError?.('pause', e);
        this.last = this.now(); // tried again after another idle time
        this.arm();
      },
    );
    void this.pausing.finally(() => (this.pausing = undefined));
  }

  private wake(): Promise<void> {
    this.waking ??= (async () => {
      try {
        await this.pausing; // a pause in progress ends first
        if (this.phase !== 'paused' || this.disposed) return;
        await this.opts.resume();
        this.phase = 'awake';
        this.opts.onPaused(false);
      } catch (e) {
        this.opts.onError?.('resume', e as Error);
        throw e; // still paused: the next call tries again
      } finally {
        this.waking = undefined;
        this.last = this.now();
        this.arm();
      }
    })();
    return this.waking;
  }
}
