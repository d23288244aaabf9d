import type { BulkResult } from '../../shared/api-contract';
import { toBerthError } from '../engine/engine-errors';

/** How many engine calls one bulk action has in flight at once (a sweep of 1,000 is not 1,000 sockets). */
export const BULK_CONCURRENCY = 8;

/** Runs `fn` for every id, a few at a time; each succeeds or fails on its own, with the engine's reason. Results keep the ids' order. */
export async function bulk(ids: string[], fn: (id: string) => Promise<unknown>, concurrency = BULK_CONCURRENCY): Promise<BulkResult[]> {
  const results: BulkResult[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const id = ids[i]!;
      try {
        await fn(id);
        results[i] = { id, ok: true };
      } catch (e) {
        results[i] = { id, ok: false, error: toBerthError(e).toPayload() };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return results;
}
