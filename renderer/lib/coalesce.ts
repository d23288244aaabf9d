/**
 * A load that pushes may ask for faster than it answers. `coalesced(load)` runs one at a time: a call
 * while one runs asks for one more run after it (not one per call), and every run's answer is used.
 * (Dropping all but the latest call's answer starves: under a steady stream of pushes slower than a
 * load, nothing is ever shown.)
 */
export function coalesced(load: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await load().catch(() => undefined); // a load reports its own failure
      } while (again);
      running = undefined;
    })();
    return running;
  };
  return run;
}
