/**
 * One thing opened ahead of its use: the SSH tunnel keeps a channel to the engine's socket open in
 * advance, so a new local connection is forwarded at once instead of first waiting a round trip for
 * its own channel (and for the engine to accept it). Under software emulation that round trip is
 * most of what a short API call costs.
 *
 * The spare is only opened after a use (`refill`), never on a timer: an idle tunnel makes no
 * traffic. One that is too old (the engine may drop idle connections), or no longer usable (its
 * link went away), is discarded when it would be taken, and a fresh one is opened instead.
 */
import { BerthError } from '../../shared/errors';
export interface SpareOptions<T> {
  open: () => Promise<T>;
  /** Whether a ready one can still be handed out (its link is the current one, it is not closed). */
  usable: (item: T) => boolean;
  /** Ends one that is not handed out. */
  discard: (item: T) => void;
  maxAgeMs: number;
  /** How many to keep ready (default 1). */
  count?: number;
  now?: () => number;
}

type Pending<T> = { promise: Promise<T>; owner: 'spare' | 'taken' | 'drained' };

export class Spare<T> {
  private ready: Array<{ item: T; at: number }> = [];
  /** The opens on their way: whose each is once it completes (a take's, or nobody's after a drain). */
  private pending: Array<Pending<T>> = [];
  private readonly now: () => number;
  private readonly count: number;
  private closed = false;

  constructor(private readonly opts: SpareOptions<T>) {
    this.now = opts.now ?? Date.now;
    this.count = opts.count ?? 1;
  }

  /** How many are ready now (for tests and figures). */
  get readyCount(): number {
    return this.ready.length;
  }

  /** How many ready ones are fresh and usable now (for tests: a link that went away is seen here). */
  get usableCount(): number {
    return this.ready.filter((r) => this.now() - r.at <= this.opts.maxAgeMs && this.opts.usable(r.item)).length;
  }

  /** The oldest ready one that is fresh and usable, else the first one being opened, else a new one. Rejects once closed. */
  async take(): Promise<T> {
    if (this.closed) throw new BerthError('ENGINE_UNREACHABLE', 'The connection to the engine was closed.');
    for (let r = this.ready.shift(); r; r = this.ready.shift()) {
      if (this.now() - r.at <= this.opts.maxAgeMs && this.opts.usable(r.item)) return r.item;
      this.opts.discard(r.item);
    }
    const p = this.pending.shift();
    if (p) {
      p.owner = 'taken';
      const item = await p.promise.catch(() => undefined);
      if (item !== undefined && !this.closed && this.opts.usable(item)) return item;
      if (item !== undefined) this.opts.discard(item);
      if (this.closed) throw new BerthError('ENGINE_UNREACHABLE', 'The connection to the engine was closed.'); // closed while it was opened: nothing new is opened
    }
    return this.opts.open();
  }

  /** Opens more, up to `count` ready or on their way. A failed open is not retried here. */
  refill(): void {
    if (this.closed) return;
    while (this.count > this.ready.length + this.pending.length) {
      const p: Pending<T> = { promise: this.opts.open(), owner: 'spare' };
      this.pending.push(p);
      p.promise.then(
        (item) => {
          if (p.owner === 'drained') this.opts.discard(item);
          if (p.owner !== 'spare') return; // a take has it
          this.pending.splice(this.pending.indexOf(p), 1);
          this.ready.push({ item, at: this.now() });
        },
        () => {
          if (this.pending.includes(p)) this.pending.splice(this.pending.indexOf(p), 1);
        },
      );
    }
  }

  /** Discards the ready ones and those being opened (when they arrive). `refill` works again after. */
  drain(): void {
    for (const p of this.pending) p.owner = 'drained';
    this.pending = [];
    for (const r of this.ready) this.opts.discard(r.item);
    this.ready = [];
  }

  /** Drains, and no take or refill opens one after this (until `reopen`). */
  close(): void {
    this.closed = true;
    this.drain();
  }

  reopen(): void {
    this.closed = false;
  }
}
