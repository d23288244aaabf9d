/** Fixed-capacity FIFO: pushing past capacity drops the oldest items (and counts them). */
export class RingBuffer<T> {
  private items: (T | undefined)[];
  private start = 0;
  private count = 0;
  /** How many items were dropped since the last clear. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('capacity must be positive');
    this.items = new Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(items: readonly T[]): void {
    for (const item of items) {
      const end = (this.start + this.count) % this.capacity;
      this.items[end] = item;
      if (this.count < this.capacity) this.count++;
      else {
        this.start = (this.start + 1) % this.capacity;
        this.dropped++;
      }
    }
  }

  /** Item i, 0 being the oldest kept. */
  at(i: number): T | undefined {
    return i >= 0 && i < this.count ? this.items[(this.start + i) % this.capacity] : undefined;
  }

  toArray(): T[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i)!);
  }

  clear(): void {
    this.items = new Array(this.capacity);
    this.start = 0;
    this.count = 0;
    this.dropped = 0;
  }
}
