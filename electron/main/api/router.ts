/**
 * Typed router: one handler per contract method. Validates arguments with the contract's schema,
 * runs the handler, and encodes every failure as `{ ok: false, error: { code, message, hint } }`.
 * Never throws: a transport can hand it anything a client sent.
 */
import { requests, type Method, type ParsedArgsOf, type ResultOf } from '../../shared/api-contract';
import { BerthError } from '../../shared/errors';
import { formatIssues } from '../../shared/validation';
import type { Reply } from '../../shared/wire';

export type Handlers = { [M in Method]: (args: ParsedArgsOf<M>) => Promise<ResultOf<M>> };

export interface RouterOptions {
  /** Turns a thrown value into a BerthError (e.g. the engine's mapping). */
  mapError?: (e: unknown) => BerthError;
  /** Called with every error reply, e.g. to notice that the engine went away. */
  onError?: (e: BerthError, method: Method) => void;
}

export interface Router {
  handle(method: unknown, args?: unknown): Promise<Reply>;
}

export function createRouter(handlers: Handlers, opts: RouterOptions = {}): Router {
  const mapError = opts.mapError ?? ((e: unknown) => (e instanceof BerthError ? e : new BerthError('INTERNAL', String((e as Error)?.message ?? e))));
  return {
    async handle(method, args) {
      if (typeof method !== 'string' || !Object.hasOwn(requests, method)) {
        return fail(new BerthError('UNKNOWN_METHOD', `Unknown API call: ${String(method).slice(0, 100)}`));
      }
      const m = method as Method;
      const parsed = requests[m].args.safeParse(args ?? {});
      if (!parsed.success) return fail(new BerthError('INVALID_ARGUMENT', formatIssues(parsed.error)));
      try {
        const handler = handlers[m] as (a: unknown) => Promise<unknown>;
        const value = await handler(parsed.data);
        return { ok: true, value: value ?? null };
      } catch (e) {
        const err = mapError(e);
        if (err.code === 'INTERNAL') console.error(`[berth] ${m} failed:`, e);
        opts.onError?.(err, m);
        return fail(err);
      }
    },
  };
}

function fail(e: BerthError): Reply {
  return { ok: false, error: e.toPayload() };
}
