/** Waits for unit and system tests: on a condition or a promise, never on a fixed time. */

/** Resolves once `cond` holds; throws after `ms` (the condition not met, rather than the test's own timeout). */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether `p` settles within 5 s (a hang shows as false rather than as the test's own timeout). */
export function settles(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
  ]);
}
