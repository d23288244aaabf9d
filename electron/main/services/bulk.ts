import type { BulkResult } from '../../shared/api-contract';
import { toBerthError } from '../engine/engine-errors';

/** Runs `fn` for every id; each succeeds or fails on its own, with the engine's reason. */
export function bulk(ids: string[], fn: (id: string) => Promise<unknown>): Promise<BulkResult[]> {
  return Promise.all(
    ids.map(async (id): Promise<BulkResult> => {
      try {
        await fn(id);
        return { id, ok: true };
      } catch (e) {
        return { id, ok: false, error: toBerthError(e).toPayload() };
      }
    }),
  );
}
